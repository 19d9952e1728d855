// POST /api/v1/estimate: the credits a formState would cost, without creating a job. The body is
// `{ model, formState }`, and formState is validated exactly as the POST of that model does.
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { CostEstimator } from '../../billing/estimate.js';
import type { CreditService } from '../../billing/index.js';
import { JOB_MODELS, type JobModel } from '../../store/index.js';
import { payingBalance } from '../auth.js';
import { LipsyncImageForm, LipsyncImageMultiForm, LipsyncVideoForm, errorResponses } from '../schemas.js';

export interface EstimateRoutesOptions {
  estimator: CostEstimator;
  credits: CreditService;
}

const FORM_BY_MODEL: Record<JobModel, typeof LipsyncImageForm | typeof LipsyncVideoForm | typeof LipsyncImageMultiForm> = {
  'lipsync-image': LipsyncImageForm,
  'lipsync-video': LipsyncVideoForm,
  'lipsync-image-multi': LipsyncImageMultiForm,
};

/** `formState` is checked against the form of the `model` given (JSON Schema if/then). */
export const EstimateBody = Type.Object(
  {
    model: Type.Enum([...JOB_MODELS], { description: 'The endpoint the formState is meant for.' }),
    formState: Type.Object({}, { description: 'Exactly what the POST of `model` accepts, with the same validation.' }),
  },
  {
    allOf: JOB_MODELS.map((model) => ({
      if: { type: 'object', properties: { model: { const: model } }, required: ['model'] },
      then: { type: 'object', properties: { formState: FORM_BY_MODEL[model] } },
    })),
  },
);

export const EstimateResponse = Type.Object({
  model: Type.Enum([...JOB_MODELS]),
  resolution: Type.Enum(['480p', '720p']),
  outputSeconds: Type.Number({ description: 'Length of the video the job would produce (from the speech tracks).' }),
  billedSeconds: Type.Integer({ description: 'outputSeconds rounded up, at least 5.' }),
  creditsPerSecond: Type.Integer({ description: '2 at 480p, 4 at 720p.' }),
  credits: Type.Integer({ description: 'What the job would cost: billedSeconds × creditsPerSecond.' }),
  balance: Type.Union([Type.Literal('api'), Type.Literal('user')], {
    description: 'The balance the caller spends: api with an API key, user from the dashboard (a session).',
  }),
  available: Type.Integer({ description: 'Spendable credits in that balance now.' }),
  sufficient: Type.Boolean({ description: 'Whether the balance covers the cost today.' }),
});

export async function estimateRoutes(app: FastifyInstance, options: EstimateRoutesOptions): Promise<void> {
  const typed = app.withTypeProvider<TypeBoxTypeProvider>();
  typed.post(
    '/estimate',
    {
      schema: {
        summary: 'Estimate the cost of a formState',
        description:
          'Extension. Downloads and measures the speech tracks (audio, or left_audio and right_audio) as a job would, ' +
          'and answers the price without creating a job. Media that cannot be fetched or measured answers 422 naming the field.',
        tags: ['billing'],
        body: EstimateBody,
        response: { 200: EstimateResponse, ...errorResponses(400, 401, 413, 422, 429) },
      },
    },
    async (request, reply) => {
      const { model, formState } = request.body;
      // A client that hangs up stops the downloads and ffprobe.
      const controller = new AbortController();
      reply.raw.once('close', () => controller.abort());
      const estimate = await options.estimator.estimate(model, formState as Record<string, unknown>, controller.signal);
      const { balances } = await options.credits.summary(request.caller.accountId);
      const balance = payingBalance(request.caller);
      return { ...estimate, balance, available: balances[balance], sufficient: balances[balance] >= estimate.credits };
    },
  );
}
