// Copy buttons: <button data-copy-target="ID" data-copied-label="…" data-selected-label="…" hidden>
// copies the text of #ID. The buttons are rendered hidden and shown here, so a page without
// JavaScript shows no button that does nothing. Where the Clipboard API is missing (plain http
// on a non-local host) or refused, the text is selected so the reader can copy it themselves.

function selectContents(element) {
  if (element instanceof HTMLInputElement || element instanceof HTMLTextAreaElement) {
    element.focus();
    element.select();
    return;
  }
  const range = document.createRange();
  range.selectNodeContents(element);
  const selection = window.getSelection();
  selection.removeAllRanges();
  selection.addRange(range);
}

function textOf(element) {
  return element instanceof HTMLInputElement || element instanceof HTMLTextAreaElement ? element.value : element.textContent;
}

function statusFor(button) {
  const container = button.closest('[data-copy-container]');
  return container ? container.querySelector('[data-copy-status]') : null;
}

function announce(button, message) {
  const status = statusFor(button);
  if (status) status.textContent = message;
}

async function copy(button) {
  const target = document.getElementById(button.dataset.copyTarget);
  if (!target) return;
  const text = textOf(target).trim();
  try {
    if (!navigator.clipboard || !window.isSecureContext) throw new Error('no clipboard');
    await navigator.clipboard.writeText(text);
    announce(button, button.dataset.copiedLabel);
  } catch {
    selectContents(target);
    announce(button, button.dataset.selectedLabel);
  }
}

for (const button of document.querySelectorAll('button[data-copy-target]')) {
  button.hidden = false;
  button.addEventListener('click', () => void copy(button));
}
