import { ActionAgreed, OrganisationRegistered, ThreatRegistered } from '@soc/contracts';
import { allTopics, topicFor } from './topics.js';

describe('topics', () => {
  it('carry each context on <prefix>.<context>.events', () => {
    expect(topicFor(OrganisationRegistered.type)).toBe('soc.directory.events');
    expect(topicFor(ThreatRegistered.type)).toBe('soc.threats.events');
    expect(topicFor(ActionAgreed.type, 'test1')).toBe('test1.threats.events');
  });

  it('declare the threats topic, and no topic under the context former name', () => {
    const { events, deadLetters } = allTopics('x');
    expect(events).toContain('x.threats.events');
    expect(deadLetters).toContain('x.threats.events.dlq');
    expect(events).not.toContain('x.plans.events');
  });
});
