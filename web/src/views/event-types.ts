/** The event types catalog: each type, what it means, its payload's JSON Schema and an example. */
import { globalPath, request, type Scope } from '../api';
import { focus, h, jsonBlock } from '../dom';
import { heading } from '../layout';
import type { EventTypeView } from '../types';

export async function eventTypesView(main: HTMLElement, scope: Scope): Promise<void> {
  const { eventTypes } = await request<{ eventTypes: EventTypeView[] }>('GET', globalPath(scope, 'event-types'));
  focus(heading(main, 'Event types'));
  if (eventTypes.length === 0) {
    main.append(h('p', { class: 'empty' }, 'No event types are documented.'));
    return;
  }
  for (const t of eventTypes)
    main.append(
      h(
        'section',
        { class: 'event-type', 'aria-labelledby': `type-${t.name}` },
        h('h2', { id: `type-${t.name}` }, h('code', {}, t.name), t.deprecated ? ' (deprecated)' : ''),
        h('p', {}, t.description),
        h(
          'div',
          { class: 'two' },
          h('div', {}, h('h3', {}, 'Example'), jsonBlock(t.example, `${t.name} example`)),
          h('details', {}, h('summary', {}, 'JSON Schema'), jsonBlock(t.schema, `${t.name} schema`)),
        ),
      ),
    );
}
