// Ajv's validation errors, rewritten as sentences that name the field the way clients wrote it
// ("formState.audio is required"). Only the first error is reported (Ajv runs with allErrors
// off), which is the one a client should fix first.
import type { FastifySchemaValidationError } from 'fastify';

export interface FieldProblem {
  field: string | null;
  message: string;
}

type AjvError = FastifySchemaValidationError & {
  parentSchema?: Record<string, unknown>;
};

export function describeValidationError(error: AjvError, context: string): FieldProblem {
  const base = fieldPath(error.instancePath, context);
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'required':
      return problem(join(base, String(params.missingProperty)), 'is required');
    case 'additionalProperties':
      return problem(join(base, String(params.additionalProperty)), 'is not a known field');
    case 'type':
      if (base === null) return { field: null, message: 'The request body must be a JSON object' };
      return problem(base, `must be ${withArticle(String(params.type))}`);
    case 'enum':
      return problem(base, `must be one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`);
    case 'format':
    case 'pattern':
      if (isUrlSchema(error.parentSchema)) return problem(base, 'must be an http or https URL');
      if (typeof error.parentSchema?.['x-format-sentence'] === 'string') return problem(base, error.parentSchema['x-format-sentence']);
      return problem(base, `must match ${String(params.pattern ?? params.format)}`);
    case 'minimum':
    case 'maximum':
      return problem(base, rangeSentence(error.parentSchema));
    case 'minLength':
      return problem(base, Number(params.limit) <= 1 ? 'must not be empty' : `must be at least ${String(params.limit)} characters`);
    case 'maxLength':
      return problem(base, `must be at most ${String(params.limit)} characters`);
    default:
      return problem(base, error.message ?? 'is invalid');
  }
}

/**
 * "/formState/audio" in the body → "formState.audio"; a query parameter is named as sent
 * ("limit"), a header as usually written ("Idempotency-Key"), a path parameter as "params.id".
 */
function fieldPath(instancePath: string, context: string): string | null {
  const parts = instancePath.split('/').filter(Boolean).map(unescapePointer);
  if (context === 'headers' && parts.length > 0) return parts.map((p) => p.replace(/(^|-)([a-z])/g, (_, dash: string, c: string) => dash + c.toUpperCase())).join('.');
  if (context === 'querystring') return parts.length === 0 ? null : parts.join('.');
  if (context !== 'body') parts.unshift(context);
  return parts.length === 0 ? null : parts.join('.');
}

function join(base: string | null, name: string): string {
  return base === null ? name : `${base}.${name}`;
}

function problem(field: string | null, sentence: string): FieldProblem {
  return { field, message: `${field ?? 'The request body'} ${sentence}` };
}

function unescapePointer(segment: string): string {
  return segment.replace(/~1/g, '/').replace(/~0/g, '~');
}

function withArticle(type: string): string {
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

function isUrlSchema(schema: Record<string, unknown> | undefined): boolean {
  return schema?.format === 'uri';
}

function rangeSentence(schema: Record<string, unknown> | undefined): string {
  const min = schema?.minimum;
  const max = schema?.maximum;
  if (typeof min === 'number' && typeof max === 'number') return `must be between ${min} and ${max}`;
  if (typeof min === 'number') return `must be at least ${min}`;
  if (typeof max === 'number') return `must be at most ${max}`;
  return 'is out of range';
}
