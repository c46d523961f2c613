import type { Balance, Price } from '../api/types.js';
import { h, present } from '../ui/dom.js';
import { formatBtc, formatEur, valueInEurCents } from '../ui/format.js';

/**
 * The top of the home page: the confirmed balance in BTC, its value at the house price
 * when one is set, then what is pending apart from it and the immature part when any.
 */
export function renderBalance(section: HTMLElement, balance: Balance, price: Price | null): void {
  const priceCents = price?.priceEurCents ?? null;
  section.replaceChildren(
    ...present(
      h('h2', { id: 'balance-title' }, 'Balance'),
      h('p', { id: 'balance-confirmed', class: 'balance' }, formatBtc(balance.confirmedSats)),
      priceCents !== null &&
        h(
          'p',
          { id: 'balance-eur', class: 'balance-eur' },
          `≈ ${formatEur(valueInEurCents(balance.confirmedSats, priceCents))}`,
          h('span', { class: 'muted' }, ` at ${formatEur(priceCents)} per BTC`),
        ),
      h(
        'dl',
        { class: 'figures' },
        h(
          'div',
          {},
          h('dt', {}, 'Pending'),
          h(
            'dd',
            { id: 'balance-pending', class: balance.pendingSats === 0 ? 'muted' : undefined },
            balance.pendingSats === 0 ? 'nothing pending' : formatBtc(balance.pendingSats, { signed: true }),
          ),
        ),
        balance.immatureSats > 0 &&
          h(
            'div',
            {},
            h('dt', {}, 'Immature'),
            h('dd', { id: 'balance-immature' }, `${formatBtc(balance.immatureSats)} (of the balance)`),
          ),
      ),
      h(
        'p',
        { id: 'balance-tip', class: 'muted small' },
        balance.tip === null
          ? 'No block seen yet'
          : `As of block ${balance.tip.height.toLocaleString('en-US')}`,
      ),
    ),
  );
}
