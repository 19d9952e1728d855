// API keys: create with an optional name (the whole key shown once), list, and revoke after a
// confirmation page that works without JavaScript. Another account's key answers 404.
import type { FastifyInstance } from 'fastify';
import type { ApiKeyRecord } from '../../store/index.js';
import { formValue, pageContext, queryValue, redirectToLogin, sendNotFound, sendPage, type PageContext } from '../context.js';
import { copyableValue, csrfField, field } from '../forms.js';
import { html, withCode, type SafeHtml } from '../html.js';
import * as common from '../i18n/common.js';
import { formatDateTime, isoDateTime, translator, type Locale } from '../i18n/index.js';
import * as keysMessages from '../i18n/keys.js';
import type { WebDashboardOptions } from '../options.js';

export const MAX_KEY_NAME_LENGTH = 60;

/** What a listing shows of a key: never its secret. */
export function keyPrefix(keyId: string): string {
  return `sk_${keyId}_…`;
}

export interface KeysPageInput {
  keys: readonly ApiKeyRecord[];
  /** Just created: the whole key, shown this once. */
  created?: { key: string; name: string };
  /** The prefix of a key revoked by the previous request. */
  revokedPrefix?: string;
  name?: string;
  nameError?: string;
}

export function renderKeysPage(context: PageContext, input: KeysPageInput): { title: string; body: SafeHtml } {
  const t = translator(keysMessages, context.locale);
  return {
    title: t('title'),
    body: html`<div class="page-header"><h1>${t('title')}</h1><p class="lead">${withCode(t('lead'))}</p></div>
${input.created ? renderCreatedKey(context.locale, input.created) : ''}
${input.revokedPrefix ? html`<div class="notice" role="status"><p>${t('revoked', { prefix: input.revokedPrefix })}</p></div>` : ''}
${input.created ? '' : renderCreateForm(context, input)}
<section class="panel" aria-labelledby="keys-list">
  <h2 id="keys-list">${t('listTitle')}</h2>
  ${input.keys.length === 0 ? html`<p>${t('listEmpty')}</p>` : renderKeyTable(context.locale, input.keys)}
</section>`,
  };
}

function renderCreatedKey(locale: Locale, created: { key: string; name: string }): SafeHtml {
  const t = translator(keysMessages, locale);
  return html`<section class="panel key-reveal" aria-labelledby="new-key">
  <h2 id="new-key">${created.name ? t('createdTitle', { name: created.name }) : t('createdTitleUnnamed')}</h2>
  <div class="warning" role="alert"><p>${t('createdWarning')}</p></div>
  <p><strong>${t('createdKeyLabel')}</strong></p>
  ${copyableValue(locale, 'new-api-key', created.key)}
  <p><a class="button button--secondary" href="/keys">${t('createdDone')}</a></p>
</section>`;
}

function renderCreateForm(context: PageContext, input: KeysPageInput): SafeHtml {
  const t = translator(keysMessages, context.locale);
  return html`<section class="panel" aria-labelledby="create-key">
  <h2 id="create-key">${t('createTitle')}</h2>
  <form class="form-row" method="post" action="/keys" novalidate>
    ${csrfField(context.csrfToken)}
    ${field({ name: 'name', label: t('nameLabel'), hint: t('nameHint'), value: input.name ?? '', error: input.nameError, maxlength: MAX_KEY_NAME_LENGTH, autocomplete: 'off', autofocus: Boolean(input.nameError) })}
    <div class="actions"><button type="submit" class="button">${t('createSubmit')}</button></div>
  </form>
</section>`;
}

function renderKeyTable(locale: Locale, keys: readonly ApiKeyRecord[]): SafeHtml {
  const t = translator(keysMessages, locale);
  const c = translator(common, locale);
  // Newest first: the key just made is the one people look for.
  const rows = [...keys].sort((a, b) => b.createdAt - a.createdAt);
  return html`<table class="table table--stack">
  <thead><tr>
    <th scope="col">${t('columnName')}</th><th scope="col">${t('columnKey')}</th><th scope="col">${t('columnCreated')}</th>
    <th scope="col">${t('columnLastUsed')}</th><th scope="col">${t('columnStatus')}</th><th scope="col"><span class="visually-hidden">${t('columnActions')}</span></th>
  </tr></thead>
  <tbody>
    ${rows.map((key) => {
      const prefix = keyPrefix(key.keyId);
      return html`<tr data-key-id="${key.keyId}">
      <td data-label="${t('columnName')}">${key.name || t('unnamed')}</td>
      <td data-label="${t('columnKey')}"><code>${prefix}</code></td>
      <td data-label="${t('columnCreated')}">${timeCell(locale, key.createdAt)}</td>
      <td data-label="${t('columnLastUsed')}">${key.lastUsedAt === null ? c('never') : timeCell(locale, key.lastUsedAt)}</td>
      <td data-label="${t('columnStatus')}">${key.revokedAt === null
        ? html`<span class="badge badge--ok">${t('statusActive')}</span>`
        : html`<span class="badge badge--off">${t('statusRevoked', { date: formatDateTime(locale, key.revokedAt) })}</span>`}</td>
      <td data-label="${t('columnActions')}">${key.revokedAt === null
        ? html`<a class="button button--quiet button--small" href="/keys/${key.keyId}/revoke" aria-label="${t('revokeLabel', { prefix })}">${t('revoke')}</a>`
        : c('none')}</td>
    </tr>`;
    })}
  </tbody>
</table>`;
}

function timeCell(locale: Locale, epochMs: number): SafeHtml {
  return html`<time datetime="${isoDateTime(epochMs)}">${formatDateTime(locale, epochMs)}</time>`;
}

export function renderRevokeConfirmPage(context: PageContext, key: ApiKeyRecord): { title: string; body: SafeHtml } {
  const t = translator(keysMessages, context.locale);
  const prefix = keyPrefix(key.keyId);
  return {
    title: t('confirmTitle'),
    body: html`<div class="page-header"><h1>${t('confirmTitle')}</h1></div>
<section class="panel narrow">
  <dl class="definitions">
    <dt>${t('columnName')}</dt><dd>${key.name || t('unnamed')}</dd>
    <dt>${t('columnKey')}</dt><dd><code>${prefix}</code></dd>
    <dt>${t('columnCreated')}</dt><dd>${timeCell(context.locale, key.createdAt)}</dd>
  </dl>
  <div class="warning"><p>${t('confirmBody', { prefix })}</p></div>
  <form class="actions" method="post" action="/keys/${key.keyId}/revoke">
    ${csrfField(context.csrfToken)}
    <button type="submit" class="button button--danger" autofocus>${t('confirmSubmit')}</button>
    <a class="button button--secondary" href="/keys">${t('confirmCancel')}</a>
  </form>
</section>`,
  };
}

// ---- Routes ----------------------------------------------------------------------------

export async function keyPages(app: FastifyInstance, options: WebDashboardOptions): Promise<void> {
  /** The viewer's own key with this id, or undefined (also for another account's key). */
  const ownKey = async (accountId: string, keyId: string) =>
    (await options.apiKeys.list(accountId)).find((key) => key.keyId === keyId && key.accountId === accountId);

  app.get('/keys', async (request, reply) => {
    if (!request.viewer) return redirectToLogin(request, reply);
    const context = pageContext(request, reply);
    const keys = await options.apiKeys.list(request.viewer.account.id);
    const revokedId = queryValue(request, 'revoked');
    const revokedPrefix = keys.some((key) => key.keyId === revokedId && key.revokedAt !== null) ? keyPrefix(revokedId) : undefined;
    return sendPage(reply, context, renderKeysPage(context, { keys, revokedPrefix }));
  });

  app.post('/keys', { preHandler: app.csrfProtection }, async (request, reply) => {
    if (!request.viewer) return redirectToLogin(request, reply);
    const accountId = request.viewer.account.id;
    const context = pageContext(request, reply);
    const name = formValue(request, 'name').trim();
    if (name.length > MAX_KEY_NAME_LENGTH) {
      const nameError = translator(keysMessages, context.locale)('errorNameTooLong', { max: MAX_KEY_NAME_LENGTH });
      const keys = await options.apiKeys.list(accountId);
      return sendPage(reply, context, renderKeysPage(context, { keys, name, nameError }), 400);
    }
    const created = await options.apiKeys.create(accountId, name);
    const keys = await options.apiKeys.list(accountId);
    // Not a redirect: the whole key exists only in this response.
    return sendPage(reply, context, renderKeysPage(context, { keys, created: { key: created.key, name } }), 201);
  });

  app.get<{ Params: { keyId: string } }>('/keys/:keyId/revoke', async (request, reply) => {
    if (!request.viewer) return redirectToLogin(request, reply);
    const context = pageContext(request, reply);
    const key = await ownKey(request.viewer.account.id, request.params.keyId);
    if (!key) return sendNotFound(reply, context);
    if (key.revokedAt !== null) return reply.redirect('/keys', 303);
    return sendPage(reply, context, renderRevokeConfirmPage(context, key));
  });

  app.post<{ Params: { keyId: string } }>('/keys/:keyId/revoke', { preHandler: app.csrfProtection }, async (request, reply) => {
    if (!request.viewer) return redirectToLogin(request, reply);
    const key = await ownKey(request.viewer.account.id, request.params.keyId);
    if (!key) return sendNotFound(reply, pageContext(request, reply));
    await options.apiKeys.revoke(key.keyId);
    return reply.redirect(`/keys?revoked=${encodeURIComponent(key.keyId)}`, 303);
  });
}
