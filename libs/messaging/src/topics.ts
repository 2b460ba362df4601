import { allEventContracts } from '@soc/contracts';

/** Contexts with a topic of their own even before they declare events. */
export const KNOWN_CONTEXTS = ['directory', 'threats', 'meetings', 'safeguarding'] as const;

/** `directory.OrganisationRegistered` → `directory`. */
export function contextOf(eventType: string): string {
  const dot = eventType.indexOf('.');
  if (dot <= 0) throw new Error(`Event type ${eventType} has no context prefix`);
  return eventType.slice(0, dot);
}

/** The default namespace of topic names; tests and side-by-side deployments choose their own. */
export const DEFAULT_TOPIC_PREFIX = 'soc';

/** Events of a context travel on `soc.<context>.events`. */
export function topicFor(eventType: string, prefix = DEFAULT_TOPIC_PREFIX): string {
  return `${prefix}.${contextOf(eventType)}.events`;
}

export function deadLetterTopicFor(topic: string): string {
  return `${topic}.dlq`;
}

/** Every event topic the system publishes to, and their dead-letter twins. */
export function allTopics(prefix = DEFAULT_TOPIC_PREFIX): {
  events: string[];
  deadLetters: string[];
} {
  const contexts = new Set<string>(KNOWN_CONTEXTS);
  for (const contract of allEventContracts) contexts.add(contextOf(contract.type));
  const events = [...contexts].sort().map((context) => `${prefix}.${context}.events`);
  return { events, deadLetters: events.map(deadLetterTopicFor) };
}
