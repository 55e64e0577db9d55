import type { Locator, Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';

/** Text containers of `root` whose content is wider than their box (clipped or spilling out). */
export async function overflowingText(root: Locator): Promise<string[]> {
  return root.evaluate(element => {
    const offenders: string[] = [];
    const describe = (el: Element) =>
      `${el.tagName.toLowerCase()}${
        el.getAttribute('data-testid')
          ? `[data-testid=${el.getAttribute('data-testid')}]`
          : ''
      } "${(el.textContent ?? '').trim().slice(0, 60)}"`;
    for (const el of [element, ...element.querySelectorAll('*')]) {
      const html = el as HTMLElement;
      // Scroll containers (the diff) scroll on purpose; visually hidden text is 1 px wide.
      const style = getComputedStyle(html);
      if (['auto', 'scroll'].includes(style.overflowX)) continue;
      // Shortened on purpose, with an ellipsis (the whole text is in a tooltip).
      if (style.textOverflow === 'ellipsis' && style.overflowX === 'hidden') {
        continue;
      }
      if (html.clientWidth <= 1 || style.position === 'absolute') continue;
      const hasText = [...html.childNodes].some(
        node => node.nodeType === Node.TEXT_NODE && node.textContent?.trim(),
      );
      if (hasText && html.scrollWidth > html.clientWidth + 1) {
        offenders.push(describe(html));
      }
    }
    // Nothing pushes the page sideways either.
    const page = document.documentElement;
    if (page.scrollWidth > page.clientWidth + 1) {
      offenders.push(
        `the page scrolls sideways (${page.scrollWidth} > ${page.clientWidth})`,
      );
    }
    return offenders;
  });
}

/** Words of `root` that the browser split across two lines (a word broken mid-word). */
export async function wordsBrokenMidWord(root: Locator): Promise<string[]> {
  return root.evaluate(element => {
    const broken: string[] = [];
    const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const text = node.textContent ?? '';
      const re = /\S+/g;
      for (let m = re.exec(text); m; m = re.exec(text)) {
        const range = document.createRange();
        range.setStart(node, m.index);
        range.setEnd(node, m.index + m[0].length);
        const tops = new Set(
          [...range.getClientRects()]
            .filter(r => r.width > 0)
            .map(r => Math.round(r.top)),
        );
        if (tops.size > 1) broken.push(m[0]);
      }
    }
    return broken;
  });
}

/** axe-core's serious and critical violations inside `selector`, one line each. */
export async function seriousA11yViolations(
  page: Page,
  selector: string,
): Promise<string[]> {
  const results = await new AxeBuilder({ page })
    .include(selector)
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'])
    .analyze();
  return results.violations
    .filter(v => v.impact === 'serious' || v.impact === 'critical')
    .map(
      v =>
        `${v.impact} ${v.id}: ${v.help} (${v.nodes
          .slice(0, 3)
          .map(n => n.target.join(' '))
          .join('; ')})`,
    );
}
