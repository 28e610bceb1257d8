// libzmq, plus eventfd: other threads wake a socket's zmq_poll through it.
#include <zmq.h>
#include <sys/eventfd.h>
