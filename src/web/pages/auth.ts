// Log-in, sign-up, log-out and the account page (password change).
import type { FastifyInstance } from 'fastify';
import { AccountError, MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH, type SignupPolicy } from '../../accounts/index.js';
import { endSession, sessionToken, startSession } from '../../api/session.js';
import { formValue, pageContext, queryValue, redirectToLogin, sendPage, type PageContext } from '../context.js';
import { csrfField, field } from '../forms.js';
import { html, type SafeHtml } from '../html.js';
import * as authMessages from '../i18n/auth.js';
import { formatDateTime, isoDateTime, safeNextPath, translator, type Locale, type Translate } from '../i18n/index.js';
import type { WebDashboardOptions } from '../options.js';

type AuthKey = keyof typeof authMessages.en;
type AuthField = 'email' | 'password' | 'invite' | 'currentPassword' | 'newPassword' | 'form';
export type FormErrors = Partial<Record<AuthField, string>>;

// ---- Rendering (pure) ------------------------------------------------------------------

export function renderLoginPage(
  context: PageContext,
  form: { email?: string; next?: string; errors?: FormErrors; notice?: 'loggedOut' },
): { title: string; body: SafeHtml } {
  const t = translator(authMessages, context.locale);
  const errors = form.errors ?? {};
  const next = safeNextPath(form.next);
  return {
    title: t('loginTitle'),
    body: html`<div class="auth-page">
<div class="page-header"><h1>${t('loginTitle')}</h1><p class="lead">${t('loginLead')}</p></div>
${form.notice ? html`<div class="notice" role="status"><p>${t(form.notice)}</p></div>` : ''}
${formProblem(t, errors.form)}
<section class="panel">
  <form class="auth-form form-stack" method="post" action="/login" novalidate>
    ${csrfField(context.csrfToken)}
    ${next !== '/' ? html`<input type="hidden" name="next" value="${next}">` : ''}
    ${field({ name: 'email', type: 'email', label: t('emailLabel'), value: form.email ?? '', error: errors.email, autocomplete: 'username', required: true, autofocus: !errors.password, inputmode: 'email' })}
    ${field({ name: 'password', type: 'password', label: t('passwordLabel'), error: errors.password, autocomplete: 'current-password', required: true, autofocus: Boolean(errors.password) })}
    <div class="actions"><button type="submit" class="button">${t('loginSubmit')}</button></div>
  </form>
</section>
<p>${t('noAccountYet')} <a href="/signup">${t('signupLink')}</a></p>
</div>`,
  };
}

export function renderSignupPage(
  context: PageContext,
  form: { policy: SignupPolicy; email?: string; invite?: string; errors?: FormErrors },
): { title: string; body: SafeHtml } {
  const t = translator(authMessages, context.locale);
  const errors = form.errors ?? {};
  const inviteOnly = form.policy === 'invite-only';
  const firstInvalid = (['email', 'password', 'invite'] as const).find((name) => errors[name]);
  return {
    title: t('signupTitle'),
    body: html`<div class="auth-page">
<div class="page-header"><h1>${t('signupTitle')}</h1><p class="lead">${inviteOnly ? t('signupInviteOnlyLead') : t('signupLead')}</p></div>
${formProblem(t, errors.form)}
<section class="panel">
  <form class="auth-form form-stack" method="post" action="/signup" novalidate>
    ${csrfField(context.csrfToken)}
    ${field({ name: 'email', type: 'email', label: t('emailLabel'), value: form.email ?? '', error: errors.email, autocomplete: 'email', required: true, inputmode: 'email', autofocus: firstInvalid === undefined || firstInvalid === 'email' })}
    ${field({ name: 'password', type: 'password', label: t('passwordLabel'), hint: t('passwordHint', { min: MIN_PASSWORD_LENGTH }), error: errors.password, autocomplete: 'new-password', required: true, minlength: MIN_PASSWORD_LENGTH, maxlength: MAX_PASSWORD_LENGTH, autofocus: firstInvalid === 'password' })}
    ${inviteOnly || form.invite
      ? field({ name: 'invite', label: t('inviteLabel'), hint: inviteOnly ? t('inviteHint') : t('inviteOptionalHint'), value: form.invite ?? '', error: errors.invite, autocomplete: 'off', required: inviteOnly, autofocus: firstInvalid === 'invite' })
      : ''}
    <div class="actions"><button type="submit" class="button">${t('signupSubmit')}</button></div>
  </form>
</section>
<p>${t('haveAccount')} <a href="/login">${t('loginLink')}</a></p>
</div>`,
  };
}

export interface AccountPageInput {
  account: { id: string; email: string | null; isAdmin: boolean; createdAt: number };
  errors?: FormErrors;
  notice?: 'passwordChanged';
}

export function renderAccountPage(context: PageContext, input: AccountPageInput): { title: string; body: SafeHtml } {
  const t = translator(authMessages, context.locale);
  const errors = input.errors ?? {};
  const { account } = input;
  return {
    title: t('accountTitle'),
    body: html`<div class="page-header"><h1>${t('accountTitle')}</h1><p class="lead">${t('accountLead')}</p></div>
${input.notice ? html`<div class="notice" role="status"><p>${t(input.notice)}</p></div>` : ''}
<div class="grid">
  <section class="panel" aria-labelledby="account-details">
    <h2 id="account-details">${t('accountDetails')}</h2>
    <dl class="definitions">
      <dt>${t('accountEmail')}</dt><dd>${account.email ?? '—'}</dd>
      <dt>${t('accountId')}</dt><dd><code>${account.id}</code></dd>
      <dt>${t('accountCreated')}</dt><dd><time datetime="${isoDateTime(account.createdAt)}">${formatDateTime(context.locale, account.createdAt)}</time></dd>
      <dt>${t('accountRole')}</dt><dd>${account.isAdmin ? t('roleAdmin') : t('roleMember')}</dd>
    </dl>
  </section>
  <section class="panel" aria-labelledby="change-password">
    <h2 id="change-password">${t('changePasswordTitle')}</h2>
    <p class="panel__hint">${t('changePasswordHint')}</p>
    <form class="form-stack" method="post" action="/account/password" novalidate>
      ${csrfField(context.csrfToken)}
      <input type="text" name="username" value="${account.email ?? ''}" autocomplete="username" hidden>
      ${field({ name: 'currentPassword', type: 'password', label: t('currentPasswordLabel'), error: errors.currentPassword, autocomplete: 'current-password', required: true, autofocus: Boolean(errors.currentPassword) })}
      ${field({ name: 'newPassword', type: 'password', label: t('newPasswordLabel'), hint: t('passwordHint', { min: MIN_PASSWORD_LENGTH }), error: errors.newPassword, autocomplete: 'new-password', required: true, minlength: MIN_PASSWORD_LENGTH, maxlength: MAX_PASSWORD_LENGTH, autofocus: Boolean(errors.newPassword) && !errors.currentPassword })}
      <div class="actions"><button type="submit" class="button">${t('changePasswordSubmit')}</button></div>
    </form>
  </section>
</div>`,
  };
}

function formProblem(t: Translate<AuthKey>, message: string | undefined): SafeHtml | '' {
  if (!message) return '';
  return html`<div class="alert" role="alert"><p><strong>${t('errorFormTitle')}:</strong> ${message}</p></div>`;
}

/** An AccountError as the field it belongs to, a message in the reader's language, and a status. */
export function describeAccountError(
  error: AccountError,
  locale: Locale,
  input: { password?: string; email?: string },
): { field: AuthField; message: string; status: number } {
  const t = translator(authMessages, locale);
  switch (error.code) {
    case 'invalid_email':
      return { field: 'email', message: input.email?.trim() ? t('errorInvalidEmail') : t('errorEmailMissing'), status: 400 };
    case 'weak_password': {
      const long = (input.password ?? '').length > MAX_PASSWORD_LENGTH;
      const message = long ? t('errorLongPassword', { max: MAX_PASSWORD_LENGTH }) : t('errorWeakPassword', { min: MIN_PASSWORD_LENGTH });
      return { field: error.field === 'newPassword' ? 'newPassword' : 'password', message, status: 400 };
    }
    case 'email_taken':
      return { field: 'email', message: t('errorEmailTaken'), status: 409 };
    case 'invite_required':
      return { field: 'invite', message: t('errorInviteRequired'), status: 400 };
    case 'invite_invalid':
      return { field: 'invite', message: t('errorInviteInvalid'), status: 400 };
    case 'bad_credentials':
      return error.field === 'currentPassword'
        ? { field: 'currentPassword', message: t('errorCurrentPassword'), status: 400 }
        : { field: 'form', message: t('errorBadCredentials'), status: 401 };
    case 'too_many_attempts':
      return { field: 'form', message: t('errorTooManyAttempts', { minutes: Math.max(1, Math.ceil(error.retryAfterSeconds / 60)) }), status: 429 };
    default:
      return { field: 'form', message: error.message, status: 400 };
  }
}

// ---- Routes ----------------------------------------------------------------------------

export async function authPages(app: FastifyInstance, options: WebDashboardOptions): Promise<void> {
  app.get('/login', async (request, reply) => {
    if (request.viewer) return reply.redirect(safeNextPath(queryValue(request, 'next')), 303);
    const context = pageContext(request, reply);
    const notice = queryValue(request, 'done') === 'logout' ? 'loggedOut' : undefined;
    return sendPage(reply, context, renderLoginPage(context, { next: queryValue(request, 'next'), notice }));
  });

  app.post('/login', { preHandler: app.csrfProtection }, async (request, reply) => {
    const email = formValue(request, 'email');
    const password = formValue(request, 'password');
    const next = formValue(request, 'next');
    try {
      const account = await options.accounts.logIn(email, password, request.ip);
      await startSession(request, reply, account);
      return reply.redirect(safeNextPath(next), 303);
    } catch (error) {
      if (!(error instanceof AccountError)) throw error;
      const context = pageContext(request, reply);
      const problem = describeAccountError(error, context.locale, { email, password });
      if (problem.status === 429) reply.header('retry-after', String(error.retryAfterSeconds));
      const errors: FormErrors = { [problem.field]: problem.message };
      return sendPage(reply, context, renderLoginPage(context, { email, next, errors }), problem.status);
    }
  });

  app.get('/signup', async (request, reply) => {
    if (request.viewer) return reply.redirect('/', 303);
    const context = pageContext(request, reply);
    const invite = queryValue(request, 'invite');
    return sendPage(reply, context, renderSignupPage(context, { policy: options.accounts.signupPolicy, invite }));
  });

  app.post('/signup', { preHandler: app.csrfProtection }, async (request, reply) => {
    const email = formValue(request, 'email');
    const password = formValue(request, 'password');
    const invite = formValue(request, 'invite').trim();
    try {
      const account = await options.accounts.signUp({ email, password, inviteCode: invite || undefined });
      await startSession(request, reply, account);
      return reply.redirect('/', 303);
    } catch (error) {
      if (!(error instanceof AccountError)) throw error;
      const context = pageContext(request, reply);
      const problem = describeAccountError(error, context.locale, { email, password });
      const page = renderSignupPage(context, { policy: options.accounts.signupPolicy, email, invite, errors: { [problem.field]: problem.message } });
      return sendPage(reply, context, page, problem.status);
    }
  });

  app.post('/logout', { preHandler: app.csrfProtection }, async (request, reply) => {
    await endSession(request, reply);
    return reply.redirect('/login?done=logout', 303);
  });

  app.get('/account', async (request, reply) => {
    if (!request.viewer) return redirectToLogin(request, reply);
    const context = pageContext(request, reply);
    const notice = queryValue(request, 'done') === 'password' ? 'passwordChanged' : undefined;
    return sendPage(reply, context, renderAccountPage(context, { account: request.viewer.account, notice }));
  });

  app.post('/account/password', { preHandler: app.csrfProtection }, async (request, reply) => {
    const viewer = request.viewer;
    if (!viewer) return redirectToLogin(request, reply);
    const current = formValue(request, 'currentPassword');
    const next = formValue(request, 'newPassword');
    try {
      await options.accounts.changePassword(viewer.account.id, current, next);
      await options.sessions.endOthers(viewer.account.id, sessionToken(request));
      return reply.redirect('/account?done=password', 303);
    } catch (error) {
      if (!(error instanceof AccountError)) throw error;
      const context = pageContext(request, reply);
      const problem = describeAccountError(error, context.locale, { password: next });
      return sendPage(reply, context, renderAccountPage(context, { account: viewer.account, errors: { [problem.field]: problem.message } }), problem.status);
    }
  });
}
