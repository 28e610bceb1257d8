import COpenBLAS
import CTurboJPEG
import CPNG
import CKernels
