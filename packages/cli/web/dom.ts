// Every text from a record reaches the page through textContent or setAttribute, never
// innerHTML: a logged message full of HTML or script shows up as those characters.

export function el<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string | null, text?: string | number | null): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = String(text);
  return node;
}

export function section(parent: HTMLElement, title: string, id: string): HTMLElement {
  const s = el("section", "panel");
  s.id = id;
  s.appendChild(el("h2", null, title));
  parent.appendChild(s);
  return s;
}

/** Runs `fn` at most once per `ms`, the last call winning: live updates arrive faster than charts need redrawing. */
export function throttle(fn: () => void, ms: number): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let last = 0;
  return () => {
    if (timer !== undefined) return;
    const wait = Math.max(0, last + ms - Date.now());
    timer = setTimeout(() => {
      timer = undefined;
      last = Date.now();
      fn();
    }, wait);
  };
}
