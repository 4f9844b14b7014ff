// Accessibility checks of the browser suite: axe-core (an explicit
// devDependency of the root) runs on each page a browser test screenshots,
// fails the step on any `serious` or `critical` violation, and writes the
// results (violations per page and rule) to e2e/output/axe/<suite>.json.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const require = createRequire(import.meta.url);
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/** The impacts that fail a step. */
export const FAILING_IMPACTS = ['serious', 'critical'];

/**
 * Violations excused, each by one rule and one selector (and, where given,
 * the page's path), with the reason: problems of Backstage's own components
 * that the plugin cannot fix. A violation's node is excused when the
 * element, or an ancestor, matches the selector on a page whose path matches.
 */
export const EXCUSED = [
  {
    rule: 'label-content-name-mismatch',
    selector: 'nav a[href$="/notifications"][aria-label="Notifications"]',
    reason:
      "Backstage's NotificationsSidebarItem (@backstage/plugin-notifications) names its link " +
      '"Notifications" with aria-label while showing the unread count as text in it; the demo ' +
      "app's sidebar, not the plugin",
  },
  {
    rule: 'aria-progressbar-name',
    selector: 'tbody[data-testid="loading-indicator"]',
    reason:
      "core-components' TableLoadingBody shows an unnamed CircularProgress while a Table loads " +
      '(the catalog; the plugin shows its tables only once loaded)',
  },
  {
    rule: 'nested-interactive',
    selector: 'th .MuiTableSortLabel-root',
    path: '^/(catalog/?)?$',
    reason:
      "the catalog's CatalogTable keeps material-table's draggable columns: focusable drag handles " +
      "inside the sort labels. The plugin's tables turn dragging off, so this is excused on the catalog's page only",
  },
  ...['aria-command-name', 'nested-interactive'].map(rule => ({
    rule,
    selector: '[data-rbd-draggable-id]',
    path: '^/notifications',
    reason:
      "the notifications plugin's table (@backstage/plugin-notifications) keeps material-table's draggable " +
      'columns: unnamed drag handles (role=button) inside the sort labels; the app\'s notifications page, not the plugin',
  })),
];

/**
 * Waits for the page's finite animations and transitions (a tooltip fading
 * in, a dialog opening) to end, at most a second: a half-transparent element
 * is neither what a person reads nor what axe should judge.
 */
export async function settle(page) {
  await page.evaluate(() =>
    Promise.race([
      Promise.all(
        document
          .getAnimations()
          .filter(a => a.playState === 'running' && a.effect?.getComputedTiming().iterations !== Infinity)
          .map(a => a.finished.catch(() => undefined)),
      ),
      new Promise(resolve => setTimeout(resolve, 1000)),
    ]),
  );
}

/** Runs axe on the page as it is; returns its violations, each with its nodes marked excused or not. */
export async function runAxe(page) {
  await settle(page);
  if (!(await page.evaluate(() => 'axe' in window))) {
    // Evaluated rather than added as a <script>: the production build's
    // Content-Security-Policy refuses inline scripts, and stays enforced.
    await page.evaluate(source => (0, eval)(source), AXE_SOURCE);
  }
  return page.evaluate(async excused => {
    // elementRef: the elements as axe saw them (the page may change before a selector is looked up).
    const result = await window.axe.run(document, { resultTypes: ['violations'], elementRef: true });
    return result.violations.map(v => ({
      rule: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map(n => {
        const target = n.target.join(' ');
        const element = n.element ?? null;
        const excuse = excused.find(
          e =>
            e.rule === v.id &&
            (!e.path || new RegExp(e.path).test(location.pathname)) &&
            element?.closest(e.selector),
        );
        return {
          target,
          html: n.html.slice(0, 300),
          summary: n.failureSummary,
          ...(excuse ? { excused: excuse.reason } : {}),
        };
      }),
    }));
  }, EXCUSED);
}

/** A checker for one suite: `check(page, name)` runs axe, records it, and throws on a failing violation. */
export function axeChecker(suite) {
  const dir = join(process.cwd(), 'e2e', 'output', 'axe');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${suite}.json`);
  const pages = [];
  const write = () => {
    const byRule = {};
    for (const p of pages) {
      for (const v of p.violations) {
        const r = (byRule[v.rule] ??= { impact: v.impact, help: v.help, pages: 0, nodes: 0, excusedNodes: 0 });
        r.pages += 1;
        r.nodes += v.nodes.length;
        r.excusedNodes += v.nodes.filter(n => n.excused).length;
      }
    }
    const summary = {
      suite,
      failingImpacts: FAILING_IMPACTS,
      excused: EXCUSED,
      pages: pages.map(p => ({
        name: p.name,
        url: p.url,
        counts: Object.fromEntries(p.violations.map(v => [v.rule, v.nodes.length])),
        failing: p.failing,
      })),
      byRule,
      violations: pages.map(p => ({ name: p.name, violations: p.violations })),
    };
    writeFileSync(file, `${JSON.stringify(summary, null, 2)}\n`);
  };
  return async (page, name) => {
    const violations = await runAxe(page);
    const failing = violations
      .filter(v => FAILING_IMPACTS.includes(v.impact))
      .map(v => ({ ...v, nodes: v.nodes.filter(n => !n.excused) }))
      .filter(v => v.nodes.length > 0);
    pages.push({ name, url: page.url(), violations, failing: failing.map(v => v.rule) });
    write();
    if (failing.length && !process.env.JIT_E2E_AXE_REPORT_ONLY) {
      const lines = failing.flatMap(v => [
        `${v.rule} (${v.impact}): ${v.help}`,
        ...v.nodes.slice(0, 5).map(n => `    ${n.target}: ${n.html}`),
      ]);
      throw new Error(`axe: ${name} (${page.url()}) has ${failing.length} serious or critical violation(s):\n  ${lines.join('\n  ')}`);
    }
  };
}
