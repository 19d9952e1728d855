import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAccountServices, type AccountServices } from '../../src/account-services.js';
import { PLAN_PERIOD_MS, PlanCatalog, PlansFileError, UnknownPlanError } from '../../src/billing/index.js';
import { PLANS_FILE } from '../api/test-app.js';
import { openTempStore, type TempStore } from '../store/temp-store.js';

describe('plans and the manual billing provider', () => {
  let temp: TempStore;
  let services: AccountServices;
  let dir: string;
  before(async () => {
    temp = await openTempStore();
    services = createAccountServices(temp.store, { signupPolicy: 'open', plansFile: PLANS_FILE });
    dir = await mkdtemp(join(tmpdir(), 'mouthpiece-plans-'));
  });
  after(async () => {
    await temp.cleanup();
    await rm(dir, { recursive: true, force: true });
  });

  test('the shipped plans file is valid and names its default plan', () => {
    const catalog = PlanCatalog.fromFile(PLANS_FILE);
    assert.ok(catalog.plans.length >= 2);
    assert.equal(catalog.defaultPlan?.id, 'starter');
    for (const plan of catalog.plans) assert.equal(plan.currency, 'EUR');
  });

  test('a bad plans file stops start-up naming the file and the field', async () => {
    const cases: Array<[unknown, RegExp]> = [
      [{ currency: 'EUR', plans: [{ id: 'a', name: 'A', monthlyApiCredits: -1, monthlyUserCredits: 0, priceCents: 0 }] }, /monthlyApiCredits/],
      [{ currency: 'EUR', plans: [] }, /plans/],
      [{ currency: 'EUR', defaultPlan: 'gold', plans: [{ id: 'a', name: 'A', monthlyApiCredits: 1, monthlyUserCredits: 0, priceCents: 0 }] }, /defaultPlan "gold"/],
      [{ currency: 'EUR', plans: [{ id: 'a', name: 'A', monthlyApiCredits: 1, monthlyUserCredits: 0, priceCents: 0 }, { id: 'a', name: 'B', monthlyApiCredits: 1, monthlyUserCredits: 0, priceCents: 0 }] }, /appears twice/],
    ];
    for (const [content, problem] of cases) {
      const path = join(dir, 'plans.json');
      await writeFile(path, JSON.stringify(content));
      assert.throws(() => PlanCatalog.fromFile(path), (error: unknown) => error instanceof PlansFileError && error.message.includes(path) && problem.test(error.message));
    }
    assert.throws(() => PlanCatalog.fromFile(join(dir, 'missing.json')), PlansFileError);
  });

  test('an admin changes the plan: the first month of the new plan is granted on both balances', async () => {
    const before = await services.credits.summary(temp.account.id);
    await services.billing.provider.changePlan(temp.account.id, 'creator', 'acct_admin');
    assert.equal((await services.billing.currentPlan(temp.account.id))?.id, 'creator');
    const after = await services.credits.summary(temp.account.id);
    assert.equal(after.balances.api - before.balances.api, 20000);
    assert.equal(after.balances.user - before.balances.user, 5000);
    const [latest] = await services.credits.history(temp.account.id, 1);
    assert.match(latest.note, /Creator plan: monthly credits/);
    await assert.rejects(services.billing.provider.changePlan(temp.account.id, 'gold', 'acct_admin'), UnknownPlanError);
  });

  test('monthly credits are granted again when the period ends, once however long the server was off', async () => {
    const account = await services.accounts.signUp({ email: 'renew@example.com', password: 'renewal password' });
    const start = (await services.credits.summary(account.id)).balances;
    await services.billing.renewDue(account.planRenewsAt! - 1);
    assert.deepEqual((await services.credits.summary(account.id)).balances, start, 'not due yet');
    // Three periods later: one grant, next renewal in the future.
    const now = account.planRenewsAt! + 2 * PLAN_PERIOD_MS + 5;
    assert.ok((await services.billing.renewDue(now)) >= 1);
    const after = (await services.credits.summary(account.id)).balances;
    assert.equal(after.api - start.api, 1000);
    assert.equal(after.user - start.user, 1000);
    const renewed = (await temp.store.accounts.findById(account.id))!;
    assert.ok(renewed.planRenewsAt! > now);
    await services.billing.renewDue(now);
    assert.deepEqual((await services.credits.summary(account.id)).balances, after, 'nothing granted twice');
  });

  test('admin grants go to the balance asked for only', async () => {
    const before = await services.credits.summary(temp.account.id);
    await services.billing.provider.grantCredits(temp.account.id, { user: 250 }, 'goodwill', 'acct_admin');
    const after = await services.credits.summary(temp.account.id);
    assert.equal(after.balances.user - before.balances.user, 250);
    assert.equal(after.balances.api, before.balances.api, 'API and user credits are separate');
  });
});
