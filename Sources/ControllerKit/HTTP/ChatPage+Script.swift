extension ChatPage {
    /// `/chat.js`: the page's behaviour. It keeps the conversation (OpenAI's messages) in memory,
    /// streams each answer from `/v1/chat/completions` (fetch and a ReadableStream, parsed as SSE),
    /// and renders it as Markdown with `renderMarkdown`, which escapes the text before it adds any
    /// tag of its own and links only http(s) addresses. `window.LoomChat.renderMarkdown` is there
    /// for tests.
    static let script = #"""
        'use strict';
        (() => {
          // MARK: Markdown, escaped first: every tag in the output is one this renderer wrote.

          const escapeHTML = text => text.replace(/[&<>"']/g, c =>
            ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);

          const link = (url, label) => `<a href="${url}" target="_blank" rel="noopener noreferrer">${label}</a>`;

          function renderEmphasis(text) {
            return text
              .replace(/\*\*(?=\S)([\s\S]*?\S)\*\*/g, '<strong>$1</strong>')
              .replace(/(^|[^\w])__(?=\S)([\s\S]*?\S)__(?!\w)/g, '$1<strong>$2</strong>')
              .replace(/\*(?=[^\s*])([^*\n]*?[^\s*])?\*/g, (all, inner) => inner === undefined ? all : `<em>${inner}</em>`)
              .replace(/(^|[^\w])_(?=[^\s_])([^_\n]*?[^\s_])?_(?!\w)/g, (all, before, inner) =>
                inner === undefined ? all : `${before}<em>${inner}</em>`);
          }

          // Inline code and links are set aside as numbered placeholders (NUL, number, NUL; the
          // source's NULs are dropped) so that emphasis never reaches into them, then put back.
          function renderInline(text) {
            const held = [];
            const hold = html => `\u0000${held.push(html) - 1}\u0000`;
            text = text.replace(/`([^`\n]+)`/g, (_, code) => hold(`<code>${code}</code>`));
            text = text.replace(/\[([^\]\n]+)\]\((https?:\/\/[^\s()<\u0000]+)\)/g,
              (_, label, url) => hold(link(url, renderEmphasis(label))));
            text = text.replace(/(^|[^\w\/\u0000])(https?:\/\/(?:[^\s<&\u0000]|&amp;)+)/g, (_, before, url) => {
              const trail = url.match(/(?:[.,:;!?)\]'*_]|&amp;)+$/);
              const end = trail ? url.length - trail[0].length : url.length;
              return before + hold(link(url.slice(0, end), url.slice(0, end))) + url.slice(end);
            });
            text = renderEmphasis(text);
            const restore = s => s.replace(/\u0000(\d+)\u0000/g, (_, n) => restore(held[Number(n)]));
            return restore(text);
          }

          const isBlank = line => /^\s*$/.test(line);
          const fenceOf = line => line.match(/^ {0,3}(`{3,}|~{3,})\s*([\w.+#-]*)/);
          const itemOf = line => line.match(/^( *)([-*+]|\d{1,9}[.)])\s+(.*)$/);
          const headingOf = line => line.match(/^ {0,3}(#{1,6})\s+(.*?)\s*#*\s*$/);
          const isRule = line => /^ {0,3}([-*_])(\s*\1){2,}\s*$/.test(line);
          const quoteOf = line => line.match(/^ {0,3}&gt;\s?(.*)$/);
          const indentOf = line => line.match(/^ */)[0].length;
          const startsBlock = line => fenceOf(line) || headingOf(line) || isRule(line) || quoteOf(line) || itemOf(line);

          // One list at lines[i]: items at its indentation; lines indented past it belong to the
          // item above them and are rendered as blocks of their own (nested lists included).
          function renderList(lines, i) {
            const first = itemOf(lines[i]);
            const indent = first[1].length;
            const ordered = /\d/.test(first[2]);
            const items = [];
            let open = true;
            while (open && i < lines.length) {
              const item = itemOf(lines[i]);
              if (!item || Math.abs(item[1].length - indent) > 1 || /\d/.test(item[2]) !== ordered) break;
              const content = [item[3]];
              i++;
              while (i < lines.length) {
                const line = lines[i];
                if (isBlank(line)) {
                  let next = i;
                  while (next < lines.length && isBlank(lines[next])) next++;
                  if (next < lines.length && indentOf(lines[next]) >= indent + 2) {
                    content.push('');
                    i++;
                    continue;
                  }
                  const following = next < lines.length ? itemOf(lines[next]) : null;
                  if (!following || Math.abs(following[1].length - indent) > 1) open = false;
                  i = next;
                  break;
                }
                if (indentOf(line) >= indent + 2) { content.push(line.slice(Math.min(indentOf(line), indent + 2))); i++; continue; }
                if (itemOf(line)) break;
                if (startsBlock(line)) { open = false; break; }
                content.push(line);
                i++;
              }
              const body = renderBlocks(content);
              const paragraph = body.match(/^<p>([\s\S]*)<\/p>$/);  // one paragraph: a tight item, no <p>
              items.push(`<li>${paragraph && !paragraph[1].includes('<p>') ? paragraph[1] : body}</li>`);
            }
            const start = ordered && parseInt(first[2], 10) !== 1 ? ` start="${parseInt(first[2], 10)}"` : '';
            const tag = ordered ? 'ol' : 'ul';
            return { html: `<${tag}${start}>${items.join('')}</${tag}>`, next: i };
          }

          // Blocks of escaped lines: code fences, headings, rules, quotes, lists, paragraphs.
          function renderBlocks(lines) {
            const html = [];
            let i = 0;
            while (i < lines.length) {
              const line = lines[i];
              let match;
              if (isBlank(line)) { i++; continue; }
              if ((match = fenceOf(line))) {
                const close = new RegExp(`^ {0,3}${match[1][0]}{${match[1].length},}\\s*$`);
                const body = [];
                for (i++; i < lines.length && !close.test(lines[i]); i++) body.push(lines[i]);
                i++;
                const language = match[2] ? ` class="language-${match[2]}"` : '';
                html.push(`<pre><code${language}>${body.join('\n')}</code></pre>`);
              } else if (isRule(line)) {
                html.push('<hr>');
                i++;
              } else if ((match = headingOf(line))) {
                const level = match[1].length;
                html.push(`<h${level}>${renderInline(match[2])}</h${level}>`);
                i++;
              } else if (quoteOf(line)) {
                const body = [];
                for (; i < lines.length && (match = quoteOf(lines[i])); i++) body.push(match[1]);
                html.push(`<blockquote>${renderBlocks(body)}</blockquote>`);
              } else if (itemOf(line)) {
                const list = renderList(lines, i);
                html.push(list.html);
                i = list.next;
              } else {
                const body = [line.trim()];
                for (i++; i < lines.length && !isBlank(lines[i]) && !startsBlock(lines[i]); i++) body.push(lines[i].trim());
                html.push(`<p>${renderInline(body.join('\n')).replace(/\n/g, '<br>')}</p>`);
              }
            }
            return html.join('');
          }

          function renderMarkdown(source) {
            return renderBlocks(escapeHTML(String(source).replace(/\u0000/g, '')).split(/\r\n|\r|\n/));
          }

          window.LoomChat = { renderMarkdown };

          // MARK: The page

          const $ = id => document.getElementById(id);
          const ui = {
            model: $('model'), refresh: $('refresh'), apiKey: $('api-key'), maxTokens: $('max-tokens'),
            temperature: $('temperature'), newChat: $('new-chat'), log: $('log'), notice: $('notice'),
            form: $('composer'), attachments: $('attachments'), prompt: $('prompt'), file: $('file'),
            stop: $('stop'), send: $('send'),
          };
          const stored = {
            get(name) { try { return localStorage.getItem('loom.' + name) || ''; } catch { return ''; } },
            set(name, value) { try { localStorage.setItem('loom.' + name, value); } catch { /* private mode */ } },
          };

          const history = [];  // the conversation so far, as OpenAI messages
          let pending = [];    // images to send with the next message: { url, name }
          let running = null;  // the AbortController of the answer streaming now

          class APIFailure extends Error {}

          function describe(error) {
            if (error instanceof APIFailure) return error.message;
            if (error instanceof TypeError) return `the controller could not be reached (${error.message})`;
            return String(error && error.message || error);
          }

          function notify(text) {
            ui.notice.textContent = text;
            ui.notice.hidden = !text;
          }

          function headers(json) {
            const result = json ? { 'Content-Type': 'application/json' } : {};
            const key = ui.apiKey.value.trim();
            if (key) result.Authorization = 'Bearer ' + key;
            return result;
          }

          // "HTTP 404 Not Found: …": the API's error message and code when the body has them.
          async function errorSentence(response) {
            let text = '';
            try { text = await response.text(); } catch { /* the body is lost: the status says enough */ }
            let message = text.trim().slice(0, 500);
            try {
              const error = JSON.parse(text).error;
              if (error && error.message) message = error.message + (error.code ? ` (${error.code})` : '');
            } catch { /* not JSON: shown as it came */ }
            const status = `HTTP ${response.status}${response.statusText ? ' ' + response.statusText : ''}`;
            const hint = response.status === 401 ? ' Enter the API key under Settings.' : '';
            return `${status}: ${message || 'no details'}${hint}`;
          }

          async function loadModels() {
            const wanted = ui.model.value || stored.get('model');
            try {
              const response = await fetch('/v1/models', { headers: headers(false) });
              if (!response.ok) throw new APIFailure(await errorSentence(response));
              const models = (await response.json()).data || [];
              ui.model.replaceChildren(...models.map(model => new Option(model.id, model.id)));
              if (models.some(model => model.id === wanted)) ui.model.value = wanted;
              notify(models.length ? '' : 'No model is served yet: no worker is live. Refresh when one is.');
            } catch (error) {
              ui.model.replaceChildren();
              notify('Could not list the models: ' + describe(error));
            }
          }

          // MARK: Images: file picker, drag and drop, paste

          const sentAsIs = new Set(['image/jpeg', 'image/png']);

          function readAsDataURL(file) {
            return new Promise((resolve, reject) => {
              const reader = new FileReader();
              reader.onload = () => resolve(reader.result);
              reader.onerror = () => reject(reader.error);
              reader.readAsDataURL(file);
            });
          }

          // The API takes JPEG and PNG: any other image the browser can decode goes as a PNG.
          async function asPNG(file) {
            const bitmap = await createImageBitmap(file);
            const canvas = document.createElement('canvas');
            canvas.width = bitmap.width;
            canvas.height = bitmap.height;
            canvas.getContext('2d').drawImage(bitmap, 0, 0);
            bitmap.close();
            return canvas.toDataURL('image/png');
          }

          async function addImages(files) {
            for (const file of files) {
              const name = file.name || 'pasted image';
              if (!file.type.startsWith('image/')) { notify(`${name} is not an image.`); continue; }
              try {
                pending.push({ url: sentAsIs.has(file.type) ? await readAsDataURL(file) : await asPNG(file), name });
              } catch (error) {
                notify(`${name} could not be read as an image: ${describe(error)}`);
              }
            }
            showAttachments();
          }

          function thumbnail(url, name) {
            const image = document.createElement('img');
            image.src = url;
            image.alt = name;
            image.title = name;
            return image;
          }

          function showAttachments() {
            ui.attachments.replaceChildren(...pending.map((image, index) => {
              const box = document.createElement('div');
              box.className = 'thumb';
              const remove = document.createElement('button');
              remove.type = 'button';
              remove.textContent = '×';
              remove.title = 'Remove ' + image.name;
              remove.addEventListener('click', () => { pending.splice(index, 1); showAttachments(); });
              box.append(thumbnail(image.url, image.name), remove);
              return box;
            }));
          }

          const carriesFiles = event => event.dataTransfer && Array.from(event.dataTransfer.types).includes('Files');
          let dragDepth = 0;
          window.addEventListener('dragenter', event => {
            if (!carriesFiles(event)) return;
            dragDepth++;
            document.body.classList.add('dragging');
          });
          window.addEventListener('dragleave', event => {
            if (!carriesFiles(event) || --dragDepth > 0) return;
            dragDepth = 0;
            document.body.classList.remove('dragging');
          });
          window.addEventListener('dragover', event => { if (carriesFiles(event)) event.preventDefault(); });
          window.addEventListener('drop', event => {
            if (!carriesFiles(event)) return;
            event.preventDefault();
            dragDepth = 0;
            document.body.classList.remove('dragging');
            addImages(Array.from(event.dataTransfer.files));
          });
          document.addEventListener('paste', event => {
            const items = Array.from((event.clipboardData && event.clipboardData.items) || []);
            const files = items.filter(item => item.kind === 'file' && item.type.startsWith('image/'))
              .map(item => item.getAsFile()).filter(Boolean);
            if (!files.length) return;
            if (!items.some(item => item.type === 'text/plain')) event.preventDefault();
            addImages(files);
          });
          ui.file.addEventListener('change', () => {
            addImages(Array.from(ui.file.files));
            ui.file.value = '';
          });

          // MARK: Turns

          function scrollingAlong(change) {
            const atEnd = ui.log.scrollHeight - ui.log.scrollTop - ui.log.clientHeight < 80;
            change();
            if (atEnd) ui.log.scrollTop = ui.log.scrollHeight;
          }

          function element(tag, className, text) {
            const node = document.createElement(tag);
            if (className) node.className = className;
            if (text) node.textContent = text;
            return node;
          }

          function addUserTurn(text, images) {
            const turn = element('article', 'turn user');
            turn.dataset.role = 'user';
            turn.append(element('div', 'who', 'You'), element('div', 'text', text));
            if (images.length) {
              const strip = element('div', 'images');
              strip.append(...images.map(image => thumbnail(image.url, image.name)));
              turn.append(strip);
            }
            scrollingAlong(() => ui.log.append(turn));
            return turn;
          }

          // An answer: its Markdown (`data-role="assistant"`), its error and its figures.
          function addAnswerTurn(model) {
            const turn = element('article', 'turn assistant');
            const answer = element('div', 'answer');
            answer.dataset.role = 'assistant';
            answer.dataset.state = 'streaming';
            const error = element('div', 'error');
            error.dataset.role = 'error';
            const stats = element('div', 'stats');
            stats.dataset.role = 'stats';
            turn.append(element('div', 'who', model), answer, error, stats);
            scrollingAlong(() => ui.log.append(turn));
            let text = '';
            let scheduled = false;
            const render = () => { scheduled = false; scrollingAlong(() => { answer.innerHTML = renderMarkdown(text); }); };
            return {
              turn, answer, error, stats,
              update(newText) {
                text = newText;
                if (!scheduled) { scheduled = true; requestAnimationFrame(render); }
              },
              finish(finalText) { text = finalText; render(); },
            };
          }

          const seconds = ms => `${(ms / 1000).toFixed(ms < 10000 ? 2 : 1)} s`;

          // Time to first token; tokens (the usage's count, else the chunks seen, marked ≈); tokens/s
          // after the first token; the prompt's tokens and how many the worker had cached.
          function showStats(view, figures) {
            const { started, firstAt, lastAt, usage, chunks, finish, state } = figures;
            const parts = [];
            const data = view.stats.dataset;
            if (firstAt !== null) {
              parts.push(`first token ${seconds(firstAt - started)}`);
              data.ttftMs = Math.round(firstAt - started);
            }
            const tokens = usage ? usage.completion_tokens : chunks;
            if (tokens) {
              parts.push(`${usage ? '' : '≈'}${tokens} tokens`);
              data.tokens = tokens;
            }
            if (tokens > 1 && lastAt > firstAt) {
              const rate = (tokens - 1) / ((lastAt - firstAt) / 1000);
              parts.push(`${rate.toFixed(1)} tokens/s`);
              data.tokensPerSecond = rate.toFixed(2);
            }
            if (usage && usage.prompt_tokens) {
              const cached = usage.prompt_tokens_details && usage.prompt_tokens_details.cached_tokens;
              parts.push(`prompt ${usage.prompt_tokens} tokens${cached ? ` (${cached} cached)` : ''}`);
              data.promptTokens = usage.prompt_tokens;
            }
            if (finish === 'length') parts.push('cut at the token limit');
            if (state === 'stopped') parts.push('stopped');
            view.stats.textContent = parts.join(' · ');
          }

          // MARK: Streaming

          // The `data:` payloads of a server-sent event stream, as they arrive.
          async function* serverSentEvents(body) {
            const reader = body.getReader();
            const decoder = new TextDecoder();
            let buffer = '';
            const payload = event => event.split('\n').filter(line => line.startsWith('data:'))
              .map(line => line.slice(line.startsWith('data: ') ? 6 : 5)).join('\n');
            try {
              for (;;) {
                const { value, done } = await reader.read();
                buffer += decoder.decode(value || new Uint8Array(), { stream: !done });
                buffer = buffer.replace(/\r\n/g, '\n');
                let end;
                while ((end = buffer.indexOf('\n\n')) >= 0) {
                  const data = payload(buffer.slice(0, end));
                  buffer = buffer.slice(end + 2);
                  if (data) yield data;
                }
                if (done) {
                  const data = payload(buffer);
                  if (data) yield data;
                  return;
                }
              }
            } finally {
              reader.cancel().catch(() => {});
            }
          }

          function setBusy(busy) {
            ui.send.disabled = busy;
            ui.stop.disabled = !busy;
          }

          async function send(event) {
            event.preventDefault();
            if (running) return;
            const prompt = ui.prompt.value.trim();
            const images = pending;
            if (!prompt && !images.length) return;
            const model = ui.model.value;
            if (!model) {
              notify('Pick a model first. None is listed: is a worker live, and is the API key right?');
              return;
            }
            notify('');
            const content = images.length
              ? [...images.map(image => ({ type: 'image_url', image_url: { url: image.url } })),
                 ...(prompt ? [{ type: 'text', text: prompt }] : [])]
              : prompt;
            const question = { role: 'user', content };
            const userTurn = addUserTurn(prompt, images);
            const view = addAnswerTurn(model);
            ui.prompt.value = '';
            pending = [];
            showAttachments();

            const request = { model, messages: [...history, question], stream: true, stream_options: { include_usage: true } };
            const maxTokens = parseInt(ui.maxTokens.value, 10);
            if (maxTokens > 0) request.max_tokens = maxTokens;
            const temperature = parseFloat(ui.temperature.value);
            if (Number.isFinite(temperature)) request.temperature = temperature;

            const controller = new AbortController();
            running = controller;
            setBusy(true);
            const figures = { started: performance.now(), firstAt: null, lastAt: null, usage: null, chunks: 0, finish: null, state: 'done' };
            let text = '';
            let failure = '';
            try {
              const response = await fetch('/v1/chat/completions', {
                method: 'POST', headers: headers(true), body: JSON.stringify(request), signal: controller.signal,
              });
              if (!response.ok) throw new APIFailure(await errorSentence(response));
              for await (const data of serverSentEvents(response.body)) {
                if (data === '[DONE]') break;
                let chunk;
                try { chunk = JSON.parse(data); } catch { throw new APIFailure('The stream sent something that is not JSON: ' + data.slice(0, 200)); }
                if (chunk.error) {
                  throw new APIFailure((chunk.error.message || 'the answer failed') + (chunk.error.code ? ` (${chunk.error.code})` : ''));
                }
                const choice = (chunk.choices || [])[0];
                if (choice && choice.delta && choice.delta.content) {
                  figures.lastAt = performance.now();
                  if (figures.firstAt === null) figures.firstAt = figures.lastAt;
                  figures.chunks++;
                  text += choice.delta.content;
                  view.update(text);
                }
                if (choice && choice.finish_reason) figures.finish = choice.finish_reason;
                if (chunk.usage) figures.usage = chunk.usage;
              }
            } catch (error) {
              if (controller.signal.aborted) {
                figures.state = 'stopped';
              } else {
                figures.state = 'error';
                failure = describe(error);
              }
            }
            running = null;
            setBusy(false);
            view.finish(text);
            view.error.textContent = failure;
            showStats(view, figures);
            view.answer.dataset.state = figures.state;
            if (text) {
              history.push(question, { role: 'assistant', content: text });
            } else {
              // Nothing came back: the question is left out of the conversation and given back to
              // the composer, to send again.
              userTurn.classList.add('failed');
              if (!ui.prompt.value && !pending.length) {
                ui.prompt.value = prompt;
                pending = images;
                showAttachments();
              }
            }
            ui.prompt.focus();
          }

          // MARK: Wiring

          ui.apiKey.value = stored.get('apiKey');
          ui.maxTokens.value = stored.get('maxTokens');
          ui.temperature.value = stored.get('temperature');
          ui.apiKey.addEventListener('change', () => { stored.set('apiKey', ui.apiKey.value.trim()); loadModels(); });
          ui.maxTokens.addEventListener('change', () => stored.set('maxTokens', ui.maxTokens.value));
          ui.temperature.addEventListener('change', () => stored.set('temperature', ui.temperature.value));
          ui.model.addEventListener('change', () => stored.set('model', ui.model.value));
          ui.refresh.addEventListener('click', loadModels);
          ui.form.addEventListener('submit', send);
          ui.stop.addEventListener('click', () => { if (running) running.abort(); });
          ui.newChat.addEventListener('click', () => {
            if (running) running.abort();
            history.length = 0;
            ui.log.replaceChildren();
            notify('');
            ui.prompt.focus();
          });
          ui.prompt.addEventListener('keydown', event => {
            if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
              event.preventDefault();
              ui.form.requestSubmit();
            }
          });
          setBusy(false);
          loadModels();
        })();

        """#
}
