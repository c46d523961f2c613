import type { Status } from '../api/types.js';
import { h } from '../ui/dom.js';

type Component = Status[keyof Omit<Status, 'checkedAt'>];

const lagWords = (blocks: number | null): string =>
  blocks === null
    ? 'lag unknown (node down)'
    : blocks === 0
      ? 'at the node’s tip'
      : `${blocks} blocks behind`;

const tipWords = (tip: { height: number; hash: string } | null): string =>
  tip === null ? 'no block yet' : `block ${tip.height.toLocaleString('en-US')}`;

/** One component's card: up with its figures, or down with the reason. */
function card(id: string, title: string, component: Component, figures: () => [string, string][]) {
  const up = component.available;
  return h(
    'section',
    {
      id: `component-${id}`,
      class: `card ${up ? 'up' : 'down'}`,
      'aria-labelledby': `component-${id}-title`,
    },
    h(
      'h2',
      { id: `component-${id}-title` },
      title,
      ' ',
      h('span', { class: `badge ${up ? 'up' : 'down'}` }, up ? 'up' : 'down'),
    ),
    component.available
      ? h(
          'dl',
          { class: 'figures' },
          figures().map(([term, value]) => h('div', {}, h('dt', {}, term), h('dd', {}, value))),
        )
      : h('p', { class: 'reason', role: 'alert' }, component.reason),
  );
}

/** The operator's view of /v1/status: a card per component, each with its tip, lag or backlog. */
export function renderStatus(container: HTMLElement, status: Status): void {
  const { node, crawler, outbox, projector } = status;
  const cards = [
    card('node', 'Bitcoin node', node, () => (node.available ? [['Tip', tipWords(node.tip)]] : [])),
    card('crawler', 'Crawler', crawler, () =>
      crawler.available
        ? [
            ['Tip', tipWords(crawler.tip)],
            ['Lag', lagWords(crawler.lagBlocks)],
          ]
        : [],
    ),
    card('outbox', 'Outbox relay', outbox, () =>
      outbox.available
        ? [
            ['Backlog', `${outbox.backlog.toLocaleString('en-US')} unpublished`],
            ['Oldest waiting', outbox.backlog === 0 ? '—' : `${(outbox.lagMs / 1000).toFixed(1)} s`],
          ]
        : [],
    ),
    card('projector', 'Projector', projector, () =>
      projector.available
        ? [
            ['Tip', tipWords(projector.tip)],
            ['Lag', lagWords(projector.lagBlocks)],
            ['Streams', projector.streams.toLocaleString('en-US')],
            ['Parked events', projector.parkedEvents.toLocaleString('en-US')],
            ['Dead letters', projector.deadLetters.toLocaleString('en-US')],
            [
              'Open gaps',
              projector.openGaps.map((g) => `${g.stream} (${g.parkedCount} parked)`).join(', ') || 'none',
            ],
            [
              'Stopped streams',
              projector.stoppedStreams.map((s) => `${s.stream}: ${s.reason}`).join('; ') || 'none',
            ],
          ]
        : [],
    ),
  ];
  container.replaceChildren(...cards);
}
