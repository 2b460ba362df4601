import { type ArgumentMetadata, ValidationPipe, type ValidationError } from '@nestjs/common';
import {
  BodyTooDeepError,
  BodyTooWideError,
  MAX_BODY_DEPTH,
  MAX_BODY_WIDTH,
} from './body-checks.js';
import { type FieldError, ValidationProblem } from './problem-details.filter.js';

function flatten(errors: ValidationError[], prefix = ''): FieldError[] {
  return errors.flatMap((error) => {
    const field = prefix ? `${prefix}.${error.property}` : error.property;
    const own = Object.values(error.constraints ?? {}).map((message) => ({ field, message }));
    return [...own, ...flatten(error.children ?? [], field)];
  });
}

/** Keys that look declared to class-validator on every class (`constructor`, `__proto__`...). */
const PROTOTYPE_KEYS = new Set([...Object.getOwnPropertyNames(Object.prototype), 'prototype']);

/**
 * Every key named like an Object.prototype member, at any depth, in document order. Walks with a
 * stack of its own, and refuses what nests deeper or spreads wider than the body limits (the
 * middleware has already refused it when installed).
 */
function prototypeKeys(value: unknown): FieldError[] {
  const errors: FieldError[] = [];
  const pending: { key: string; field: string; value: unknown; depth: number }[] = [
    { key: '', field: '', value, depth: 0 },
  ];
  while (pending.length > 0) {
    const entry = pending.pop()!;
    if (PROTOTYPE_KEYS.has(entry.key)) {
      errors.push({ field: entry.field, message: `property ${entry.key} should not exist` });
    }
    if (typeof entry.value !== 'object' || entry.value === null) continue;
    if (entry.depth >= MAX_BODY_DEPTH) throw new BodyTooDeepError();
    const record = entry.value as Record<string, unknown>;
    const keys = Object.keys(record);
    if (keys.length > MAX_BODY_WIDTH) throw new BodyTooWideError();
    for (let i = keys.length - 1; i >= 0; i -= 1) {
      const key = keys[i];
      const field = entry.field ? `${entry.field}.${key}` : key;
      pending.push({ key, field, value: record[key], depth: entry.depth + 1 });
    }
  }
  return errors;
}

/** Refuses object-prototype key names, which the whitelist would otherwise take for declared fields. */
class StrictValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'body' || metadata.type === 'query') {
      const errors = prototypeKeys(value);
      if (errors.length > 0) throw new ValidationProblem(errors);
    }
    return super.transform(value, metadata);
  }
}

/** Input validation: unknown fields refused, types converted only where declared, errors per field. */
export function validationPipe(): ValidationPipe {
  return new StrictValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transform: true,
    exceptionFactory: (errors) => new ValidationProblem(flatten(errors)),
  });
}
