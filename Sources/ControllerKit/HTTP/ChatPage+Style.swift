extension ChatPage {
    /// `/chat.css`: system fonts only, light or dark as the browser prefers.
    static let style = #"""
        :root {
          color-scheme: light dark;
          --bg: #fafafa; --fg: #1d1d1f; --muted: #6b6b70; --line: #d9d9de; --panel: #ffffff;
          --user: #e8f0fe; --accent: #2f6fde; --error: #b3261e; --code: #f1f1f4;
          font: 15px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif;
        }
        @media (prefers-color-scheme: dark) {
          :root { --bg: #17171a; --fg: #e8e8ea; --muted: #9a9aa2; --line: #34343a; --panel: #202024;
                  --user: #24324a; --accent: #7aa7ff; --error: #ff8a80; --code: #2a2a30; }
        }
        * { box-sizing: border-box; }
        html, body { height: 100%; margin: 0; }
        body { display: flex; flex-direction: column; background: var(--bg); color: var(--fg); }
        body.dragging { outline: 3px dashed var(--accent); outline-offset: -6px; }
        header { display: flex; flex-wrap: wrap; align-items: center; gap: .5rem 1rem; padding: .5rem 1rem;
                 border-bottom: 1px solid var(--line); background: var(--panel); }
        header h1 { font-size: 1.1rem; margin: 0; }
        header select { max-width: 22rem; }
        details { position: relative; }
        details[open] { display: flex; flex-wrap: wrap; gap: .5rem 1rem; align-items: center; }
        details label { white-space: nowrap; }
        details input { width: 9rem; }
        #new-chat { margin-left: auto; }
        main { flex: 1; overflow-y: auto; padding: 1rem; display: flex; flex-direction: column; gap: .75rem; }
        .turn { max-width: 52rem; width: 100%; margin: 0 auto; padding: .6rem .9rem; border-radius: .6rem;
                background: var(--panel); border: 1px solid var(--line); overflow-wrap: anywhere; }
        .turn.user { background: var(--user); }
        .turn.failed { opacity: .6; }
        .turn .who { font-size: .8rem; color: var(--muted); margin-bottom: .2rem; }
        .turn .text { white-space: pre-wrap; }
        .turn .images { display: flex; flex-wrap: wrap; gap: .4rem; margin-top: .4rem; }
        .turn .images img { max-height: 8rem; max-width: 12rem; border-radius: .3rem; }
        .answer:empty::before { content: "…"; color: var(--muted); }
        .answer[data-state="error"]:empty::before, .answer[data-state="stopped"]:empty::before { content: ""; }
        .answer > :first-child { margin-top: 0; }
        .answer > :last-child { margin-bottom: 0; }
        .answer pre { background: var(--code); padding: .6rem; border-radius: .4rem; overflow-x: auto; }
        .answer code { background: var(--code); padding: 0 .2rem; border-radius: .2rem;
                       font: .9em/1.4 ui-monospace, "SF Mono", Menlo, Consolas, monospace; }
        .answer pre code { padding: 0; background: none; }
        .answer blockquote { margin: .5rem 0; padding-left: .8rem; border-left: 3px solid var(--line); color: var(--muted); }
        .answer a { color: var(--accent); }
        .answer ul, .answer ol { padding-left: 1.5rem; }
        .answer li > p { margin: 0; }
        .stats { font-size: .8rem; color: var(--muted); margin-top: .4rem; }
        .stats:empty { display: none; }
        .error { color: var(--error); margin-top: .4rem; white-space: pre-wrap; }
        .error:empty { display: none; }
        #notice { max-width: 52rem; margin: 0 auto .5rem; padding: .4rem .8rem; color: var(--error);
                  border: 1px solid var(--error); border-radius: .4rem; }
        form { border-top: 1px solid var(--line); background: var(--panel); padding: .6rem 1rem; }
        form > * { max-width: 52rem; margin-left: auto; margin-right: auto; }
        textarea { display: block; width: 100%; resize: vertical; font: inherit; padding: .5rem; border-radius: .4rem;
                   border: 1px solid var(--line); background: var(--bg); color: var(--fg); }
        #attachments { display: flex; flex-wrap: wrap; gap: .5rem; }
        #attachments:not(:empty) { margin-bottom: .5rem; }
        .thumb { position: relative; }
        .thumb img { height: 4rem; max-width: 8rem; border-radius: .3rem; border: 1px solid var(--line); display: block; }
        .thumb button { position: absolute; top: -.4rem; right: -.4rem; width: 1.3rem; height: 1.3rem; padding: 0;
                        border-radius: 50%; line-height: 1; cursor: pointer; }
        .actions { display: flex; align-items: center; gap: .5rem; margin-top: .5rem; }
        .actions .spacer { flex: 1; }
        .attach { position: relative; overflow: hidden; cursor: pointer; color: var(--accent); }
        .attach input { position: absolute; inset: 0; opacity: 0; cursor: pointer; }
        button { font: inherit; padding: .3rem .9rem; border-radius: .4rem; border: 1px solid var(--line);
                 background: var(--bg); color: var(--fg); cursor: pointer; }
        button[type="submit"] { background: var(--accent); border-color: var(--accent); color: #fff; }
        button:disabled { opacity: .45; cursor: default; }

        """#
}
