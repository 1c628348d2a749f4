import type { GetSignInConnectorResponse, ListSignInConnectorsResponse } from '../../protocols/generated/iam.js';
import { query } from '../../web/console/admin-ui.js';
import { connectorEditContent, connectorsContent } from '../../web/console/connectors.js';
import { html } from '../../web/html.js';
import { mutate, page, redirect, refusal, type Section, type SectionCx, statusOf } from './kit.js';

const BACK = '/console/connectors';
const bool = (cx: SectionCx, name: string) => (cx.field(name) === 'true' ? 'true' : 'false');
/** What the person typed, to show the form again after a refusal (never the secrets). */
const typed = (cx: SectionCx) =>
  Object.fromEntries(['id', 'type', 'displayName', 'providerArn', 'settings'].map((k) => [k, cx.field(k)]).concat(['enabled', 'requireMfa', 'allowIdpInitiated'].map((k) => [k, bool(cx, k)])));

/** The members both Create and Update take; Secrets only when the person typed some (write-only). */
function common(cx: SectionCx): Record<string, string | undefined> {
  const secrets = cx.field('secrets')?.trim();
  return {
    DisplayName: cx.field('displayName')?.trim() || undefined,
    ProviderArn: cx.field('providerArn')?.trim() || undefined,
    Enabled: bool(cx, 'enabled'),
    RequireMfa: bool(cx, 'requireMfa'),
    AllowIdpInitiated: bool(cx, 'allowIdpInitiated'),
    Settings: cx.field('settings')?.trim() || undefined,
    Secrets: secrets || undefined,
  };
}

/** /console/connectors: sign-in connectors (List/Get/Create/Update/DeleteSignInConnector); secrets write-only. */
export const connectorsSection: Section = {
  id: 'connectors',
  title: 'Sign-in connectors',
  path: BACK,
  routes: [
    {
      method: 'GET',
      path: BACK,
      async handle(cx) {
        const marker = cx.field('marker') || undefined;
        try {
          const out = await cx.call<ListSignInConnectorsResponse>('ListSignInConnectors', { Marker: marker, MaxItems: '100' });
          const nextHref = out.IsTruncated && out.Marker ? `${BACK}${query({ marker: out.Marker })}` : undefined;
          return page('Sign-in connectors', connectorsContent({ connectors: out.SignInConnectors, nextHref, csrf: cx.csrf }));
        } catch (e) {
          const msg = refusal(e);
          return page('Sign-in connectors', connectorsContent({ connectors: [], csrf: cx.csrf, error: msg }), statusOf(msg));
        }
      },
    },
    {
      method: 'GET',
      path: `${BACK}/edit`,
      async handle(cx) {
        try {
          const out = await cx.call<GetSignInConnectorResponse>('GetSignInConnector', { Id: cx.field('id') });
          return page(`Connector ${out.SignInConnector.Id}`, connectorEditContent({ c: out.SignInConnector, csrf: cx.csrf }));
        } catch (e) {
          const msg = refusal(e);
          return page('Sign-in connector', html`<h1>Sign-in connector</h1><div class="alert" role="alert" data-testid="error">${msg}</div><p><a href="${BACK}">Back to connectors</a></p>`, statusOf(msg));
        }
      },
    },
    {
      method: 'POST',
      path: `${BACK}/create`,
      async handle(cx) {
        try {
          const out = await cx.call<{ SignInConnector: { Id: string } }>('CreateSignInConnector', { Id: cx.field('id')?.trim(), Type: cx.field('type'), ...common(cx) });
          return redirect(BACK, `Connector ${out.SignInConnector.Id} created.`);
        } catch (e) {
          // The form again with what was typed (secrets are not echoed back), and AWS's message.
          let connectors: ListSignInConnectorsResponse['SignInConnectors'] = [];
          try {
            connectors = (await cx.call<ListSignInConnectorsResponse>('ListSignInConnectors', { MaxItems: '100' })).SignInConnectors;
          } catch {
            // the refusal below says enough
          }
          return page('Sign-in connectors', connectorsContent({ connectors, csrf: cx.csrf, error: refusal(e), values: typed(cx) }), 400);
        }
      },
    },
    {
      method: 'POST',
      path: `${BACK}/update`,
      async handle(cx) {
        const id = cx.field('id') ?? '';
        try {
          await cx.call('UpdateSignInConnector', { Id: id, ...common(cx) });
          return redirect(`${BACK}/edit?id=${encodeURIComponent(id)}`, `Connector ${id} saved.`);
        } catch (e) {
          const msg = refusal(e);
          try {
            const out = await cx.call<GetSignInConnectorResponse>('GetSignInConnector', { Id: id });
            return page(`Connector ${id}`, connectorEditContent({ c: out.SignInConnector, csrf: cx.csrf, error: msg, values: typed(cx) }), 400);
          } catch {
            return redirect(BACK, msg, true);
          }
        }
      },
    },
    {
      method: 'POST',
      path: `${BACK}/delete`,
      handle: (cx) => mutate(BACK, `Connector ${cx.field('id') ?? ''} deleted.`, () => cx.call('DeleteSignInConnector', { Id: cx.field('id') })),
    },
  ],
};

