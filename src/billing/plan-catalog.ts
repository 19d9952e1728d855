// The plans an operator sells, read from a JSON file (config/plans.json unless
// MOUTHPIECE_PLANS_FILE names another) and validated once at start: a bad file stops the
// process with the path and the field at fault.
import { readFileSync } from 'node:fs';
import { Type, type Static } from 'typebox';
import { Value } from 'typebox/value';

const PlanSchema = Type.Object(
  {
    id: Type.String({ pattern: '^[a-z0-9][a-z0-9_-]{0,39}$' }),
    name: Type.String({ minLength: 1, maxLength: 60 }),
    monthlyApiCredits: Type.Integer({ minimum: 0 }),
    monthlyUserCredits: Type.Integer({ minimum: 0 }),
    /** Price per month in the currency's minor unit (cents). */
    priceCents: Type.Integer({ minimum: 0 }),
  },
  { additionalProperties: false },
);

const PlansFileSchema = Type.Object(
  {
    currency: Type.String({ pattern: '^[A-Z]{3}$' }),
    /** The plan a new sign-up starts on (its first month of credits is granted at once). */
    defaultPlan: Type.Optional(Type.String()),
    plans: Type.Array(PlanSchema, { minItems: 1 }),
  },
  { additionalProperties: false },
);

export type Plan = Static<typeof PlanSchema> & { currency: string };

export class PlansFileError extends Error {
  constructor(path: string, problem: string) {
    super(`plans file ${path}: ${problem}`);
    this.name = 'PlansFileError';
  }
}

export class PlanCatalog {
  readonly plans: readonly Plan[];
  readonly defaultPlan: Plan | null;

  constructor(file: Static<typeof PlansFileSchema>) {
    this.plans = file.plans.map((plan) => ({ ...plan, currency: file.currency }));
    this.defaultPlan = file.defaultPlan ? (this.find(file.defaultPlan) ?? null) : null;
  }

  find(id: string): Plan | undefined {
    return this.plans.find((plan) => plan.id === id);
  }

  static fromFile(path: string): PlanCatalog {
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(path, 'utf8'));
    } catch (error) {
      throw new PlansFileError(path, `cannot be read as JSON (${(error as Error).message})`);
    }
    const problem = Value.Errors(PlansFileSchema, parsed)[0];
    if (problem) throw new PlansFileError(path, `${problem.instancePath || '/'} ${problem.message}`);
    const file = parsed as Static<typeof PlansFileSchema>;
    const ids = new Set<string>();
    for (const plan of file.plans) {
      if (ids.has(plan.id)) throw new PlansFileError(path, `plan id "${plan.id}" appears twice`);
      ids.add(plan.id);
    }
    if (file.defaultPlan && !ids.has(file.defaultPlan)) {
      throw new PlansFileError(path, `defaultPlan "${file.defaultPlan}" is not one of the plans`);
    }
    return new PlanCatalog(file);
  }
}
