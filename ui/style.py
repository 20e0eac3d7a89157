"""Look and behaviour of the page: an offline theme (system fonts), CSS and the [n] click script."""

from __future__ import annotations

from typing import Any

SANS = ["system-ui", "-apple-system", "Segoe UI", "Roboto", "Helvetica Neue", "Arial", "sans-serif"]
MONO = ["ui-monospace", "SFMono-Regular", "Menlo", "Consolas", "Liberation Mono", "monospace"]


def theme() -> Any:
    """Gradio's default theme with system fonts only, so no font is fetched from the web."""
    import gradio as gr

    return gr.themes.Default(
        primary_hue="blue", secondary_hue="sky", neutral_hue="slate", font=SANS, font_mono=MONO
    )


CSS = """
.gradio-container { width: 100% !important; max-width: 1360px !important;
  margin: 0 auto !important; }
#app-header { padding: 4px 2px 0 2px; }
#app-header h1 { margin: 0; font-size: 1.55rem; }
#app-header h1 .version, .app-footer { font-size: .8rem; font-weight: 400;
  color: var(--body-text-color-subdued); }
#app-header p { margin: 2px 0 0 0; color: var(--body-text-color-subdued); }
.app-footer { text-align: center; padding: 4px 0; }
#sources { max-height: 610px; overflow-y: auto !important; padding-right: 6px; }
#sources .sources-empty, #quotes-list .sources-empty {
  color: var(--body-text-color-subdued); padding: 24px 8px; text-align: center;
  border: 1px dashed var(--border-color-primary); border-radius: 8px; }
#sources details.turn { margin-bottom: 10px; }
#sources details.turn > summary { cursor: pointer; font-weight: 600; margin-bottom: 6px;
  color: var(--body-text-color-subdued); }
.source-card { border: 1px solid var(--border-color-primary); border-radius: 8px;
  padding: 10px 12px; margin: 0 0 10px 0; background: var(--background-fill-primary); }
.source-card .card-head { font-weight: 600; line-height: 1.35; }
.source-card .num { color: var(--color-accent); margin-right: 4px; font-weight: 600; }
.source-card .meta { font-size: .85em; color: var(--body-text-color-subdued); margin: 3px 0 6px 0;
  overflow-wrap: anywhere; }
.source-card .meta .pasted { color: #92400e; font-weight: 600; }
.source-card .passage { font-size: .92em; line-height: 1.5; white-space: pre-wrap;
  border-left: 3px solid transparent; padding: 2px 0 2px 6px; margin: 4px 0;
  transition: background .2s, border-color .2s; scroll-margin: 12px; }
.source-card .passage.active, .source-card .passage:target {
  border-left-color: var(--color-accent); background: var(--color-accent-soft); }
.source-card blockquote { margin: 6px 0 0 0; font-size: .92em; }
/* Untrusted text never reorders what is around it (U+202E in a title, an outlet, a quote). */
bdi, .source-card .title, .source-card .meta, .said-who, .source-card .passage, #chat .message bdi,
#articles [role=gridcell], #articles td { unicode-bidi: isolate; }
mark.quote { background: #fde68a; color: inherit; padding: 0 1px; border-radius: 2px; }
mark.quote.unverified { background: #fecaca; text-decoration: underline dotted #b91c1c; }
.badge { font-size: .75em; font-weight: 600; border-radius: 999px; padding: 1px 8px;
  margin-left: 6px; white-space: nowrap; vertical-align: 1px; }
.badge.ok { background: #dcfce7; color: #166534; }
.badge.warn { background: #fee2e2; color: #991b1b; }
.badge.suspicious { margin: 0 6px 0 0; }
.note { color: var(--body-text-color-subdued); }
.note.refusal { font-weight: 600; }
a.cite { text-decoration: none; font-weight: 600; font-size: .85em; vertical-align: super;
  margin-left: 1px; line-height: 0; color: var(--color-accent) !important; cursor: pointer; }
a.cite:hover { text-decoration: underline; }
.warn-line { margin-top: 6px; color: #b91c1c; font-size: .9em; }
.note-line { margin-top: 6px; color: var(--body-text-color-subdued); font-size: .9em; }
.bad-url { font-family: var(--font-mono); }
#examples { flex-wrap: wrap; gap: 6px; align-items: center; }
#examples > * { flex: 0 0 auto !important; min-width: 0 !important; width: auto !important; }
#examples button { font-weight: 400; padding: 4px 12px; border-radius: 999px; }
#examples .try { color: var(--body-text-color-subdued); font-size: .9em; margin-right: 2px; }
#ask-line { flex-wrap: nowrap; }
#question textarea::placeholder { text-overflow: ellipsis; }
/* Narrow windows: the sources go under the chat, so the question box keeps its width. */
@media (max-width: 900px) { #ask-row { flex-direction: column; } }
/* Answer sentences: ✓ or ⚠ with the reason; speaker lead-ins; the labelled fallback. */
.verdict.ok { color: #15803d; font-weight: 700; font-size: .85em; }
.verdict.unverified { color: #b91c1c; background: #fee2e2; border-radius: 4px; padding: 0 4px;
  font-size: .85em; font-weight: 600; }
.sentence.note { color: var(--body-text-color-subdued); }
.said { margin: 2px 0 6px 0; }
.said-who { font-weight: 600; }
.said-when, .inferred { color: var(--body-text-color-subdued); font-size: .9em; }
.inferred { font-style: italic; }
.said-quote { font-style: italic; }
.fallback { margin-top: 10px; border-left: 3px solid #f59e0b; padding: 4px 0 4px 8px; }
.fallback-head { font-weight: 600; color: #92400e; font-size: .9em; margin-bottom: 4px; }
/* Quotes tab. */
#quotes-list { max-height: 720px; overflow-y: auto !important; padding-right: 6px; }
.quote-card blockquote.said-sentence { margin: 6px 0; line-height: 1.5; white-space: pre-wrap; }
mark.quote.said { background: #fde68a; }
mark.quote.reported { background: #e0f2fe; }
.badge.kind { background: var(--background-fill-secondary); color: var(--body-text-color); }
.badge.kind.unnamed { background: #fef3c7; color: #92400e; }
.quote-source { font-size: .9em; }
.quote-card details.also summary { cursor: pointer; font-size: .85em;
  color: var(--body-text-color-subdued); }
#articles, #articles * { font-family: var(--font) !important; }
#articles [data-col="4"] * { font-family: var(--font-mono) !important; font-size: .92em; }
"""

# Clicking [n] opens (and flashes) its passage even when it sits in a folded earlier turn.
# Gradio's chatbot sets each bubble's aria-label to "<role>'s message: " + the message content,
# which for our HTML messages is raw markup a screen reader would spell out: give it the text.
JS = """
() => {
  const find = (event) => event.target.closest && event.target.closest('a.cite');
  const cardOf = (link) => document.getElementById((link.getAttribute('href') || '').slice(1));
  const activate = (target) => {
    document.querySelectorAll('#sources .active').forEach((c) => c.classList.remove('active'));
    target.classList.add('active');
  };
  document.addEventListener('click', (event) => {
    const link = find(event);
    if (!link) return;
    event.preventDefault();
    event.stopPropagation();
    const target = cardOf(link);
    if (!target) return;
    const turn = target.closest('details');
    if (turn) turn.open = true;
    activate(target);
    target.scrollIntoView({behavior: 'smooth', block: 'nearest'});
  }, true);
  document.addEventListener('mouseover', (event) => {
    const link = find(event);
    const target = link && cardOf(link);
    if (target) activate(target);
  });
  const SAYS = "'s message: ";
  const plainLabels = () => {
    document.querySelectorAll('#chat [aria-label*="' + SAYS + '"]').forEach((el) => {
      const label = el.getAttribute('aria-label');
      const who = label.slice(0, label.indexOf(SAYS));
      const text = (el.innerText || el.textContent || '').replace(/\\s+/g, ' ').trim();
      if (label !== who + SAYS + text) el.setAttribute('aria-label', who + SAYS + text);
    });
  };
  // The sanitizer drops aria-label from our HTML: a ✓/⚠ mark gets it back from its title.
  const markLabels = () => {
    document.querySelectorAll('#chat .verdict[title]').forEach((el) => {
      const label = el.classList.contains('ok') ? 'verified' : el.getAttribute('title');
      if (el.getAttribute('aria-label') !== label) el.setAttribute('aria-label', label);
    });
  };
  let queued = false;
  new MutationObserver(() => {
    if (queued) return;
    queued = true;
    requestAnimationFrame(() => { queued = false; plainLabels(); markLabels(); });
  }).observe(document.body, {
    subtree: true, childList: true, characterData: true, attributes: true,
    attributeFilter: ['aria-label'],
  });
  plainLabels();
}
"""

# After an add, bring its result into view wherever the page was scrolled.
SCROLL_TO_STATUS = """
() => {
  const box = document.getElementById('ingest-status');
  if (box) box.scrollIntoView({behavior: 'smooth', block: 'nearest'});
}
"""
