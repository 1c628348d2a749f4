import type { GetOpenIDConnectProviderResponse, GetSAMLProviderResponse, ListOpenIDConnectProvidersResponse, ListSAMLProvidersResponse } from '../../protocols/generated/iam.js';
import { oidcProviderContent, providersContent, samlProviderContent, type OidcProviderView } from '../../web/console/providers.js';
import { html } from '../../web/html.js';
import { lines, members, mutate, page, redirect, refusal, type Section, type SectionCx, statusOf } from './kit.js';

const BACK = '/console/providers';
/** GetOpenIDConnectProvider calls per page view (each is audited like any IAM call). */
const MAX_DETAILS = 100;

async function oidcView(cx: SectionCx, arn: string): Promise<OidcProviderView> {
  try {
    const p = await cx.call<GetOpenIDConnectProviderResponse>('GetOpenIDConnectProvider', { OpenIDConnectProviderArn: arn });
    return { arn, url: p.Url, clientIds: p.ClientIDList ?? [], thumbprints: p.ThumbprintList ?? [], created: p.CreateDate };
  } catch (e) {
    return { arn, clientIds: [], thumbprints: [], error: refusal(e) };
  }
}

const detailOf = (arn: string | undefined) => `${BACK}/oidc?arn=${encodeURIComponent(arn ?? '')}`;

/**
 * /console/providers: IAM OIDC providers (list, create, thumbprints, client ids, delete) and
 * SAML providers (list, create from pasted metadata, replace metadata, delete).
 */
export const providersSection: Section = {
  id: 'providers',
  title: 'Identity providers',
  path: BACK,
  routes: [
    {
      method: 'GET',
      path: BACK,
      async handle(cx) {
        const errors: { oidc?: string; saml?: string } = {};
        let oidc: OidcProviderView[] = [];
        let saml: ListSAMLProvidersResponse['SAMLProviderList'] = [];
        try {
          const list = await cx.call<ListOpenIDConnectProvidersResponse>('ListOpenIDConnectProviders', {});
          const arns = (list.OpenIDConnectProviderList ?? []).map((p) => p.Arn!).filter(Boolean);
          oidc = await Promise.all(arns.slice(0, MAX_DETAILS).map((arn) => oidcView(cx, arn)));
          oidc.push(...arns.slice(MAX_DETAILS).map((arn) => ({ arn, clientIds: [], thumbprints: [] })));
        } catch (e) {
          errors.oidc = refusal(e);
        }
        try {
          saml = (await cx.call<ListSAMLProvidersResponse>('ListSAMLProviders', {})).SAMLProviderList ?? [];
        } catch (e) {
          errors.saml = refusal(e);
        }
        const denied = errors.oidc !== undefined && errors.saml !== undefined;
        return page('Identity providers', providersContent({ oidc, saml, csrf: cx.csrf, errors }), denied ? 403 : 200);
      },
    },
    {
      method: 'GET',
      path: `${BACK}/oidc`,
      async handle(cx) {
        const arn = cx.field('arn') ?? '';
        const p = await oidcView(cx, arn);
        if (p.error) return page('OIDC provider', html`<h1>OIDC provider</h1><div class="alert" role="alert" data-testid="error">${p.error}</div><p><a href="${BACK}">Back to providers</a></p>`, statusOf(p.error));
        return page('OIDC provider', oidcProviderContent({ p, csrf: cx.csrf }));
      },
    },
    {
      method: 'GET',
      path: `${BACK}/saml`,
      async handle(cx) {
        const arn = cx.field('arn') ?? '';
        try {
          const p = await cx.call<GetSAMLProviderResponse>('GetSAMLProvider', { SAMLProviderArn: arn });
          return page('SAML provider', samlProviderContent({ arn, metadata: p.SAMLMetadataDocument ?? '', validUntil: p.ValidUntil, created: p.CreateDate, csrf: cx.csrf }));
        } catch (e) {
          const msg = refusal(e);
          return page('SAML provider', html`<h1>SAML provider</h1><div class="alert" role="alert" data-testid="error">${msg}</div><p><a href="${BACK}">Back to providers</a></p>`, statusOf(msg));
        }
      },
    },
    {
      method: 'POST',
      path: `${BACK}/oidc/create`,
      async handle(cx) {
        try {
          const out = await cx.call<{ OpenIDConnectProviderArn: string }>('CreateOpenIDConnectProvider', {
            Url: cx.field('url')?.trim(),
            ...members('ClientIDList', lines(cx.field('clientIds'))),
            ...members('ThumbprintList', lines(cx.field('thumbprints'))),
          });
          return redirect(detailOf(out.OpenIDConnectProviderArn), `OIDC provider ${out.OpenIDConnectProviderArn} created.`);
        } catch (e) {
          return redirect(BACK, refusal(e), true);
        }
      },
    },
    {
      method: 'POST',
      path: `${BACK}/oidc/thumbprints`,
      handle: (cx) =>
        mutate(detailOf(cx.field('arn')), 'Thumbprints saved.', () =>
          cx.call('UpdateOpenIDConnectProviderThumbprint', { OpenIDConnectProviderArn: cx.field('arn'), ...members('ThumbprintList', lines(cx.field('thumbprints'))) }),
        ),
    },
    {
      method: 'POST',
      path: `${BACK}/oidc/add-client`,
      handle: (cx) =>
        mutate(detailOf(cx.field('arn')), `Client ID ${cx.field('clientId') ?? ''} added.`, () =>
          cx.call('AddClientIDToOpenIDConnectProvider', { OpenIDConnectProviderArn: cx.field('arn'), ClientID: cx.field('clientId')?.trim() }),
        ),
    },
    {
      method: 'POST',
      path: `${BACK}/oidc/remove-client`,
      handle: (cx) =>
        mutate(detailOf(cx.field('arn')), `Client ID ${cx.field('clientId') ?? ''} removed.`, () =>
          cx.call('RemoveClientIDFromOpenIDConnectProvider', { OpenIDConnectProviderArn: cx.field('arn'), ClientID: cx.field('clientId') }),
        ),
    },
    {
      method: 'POST',
      path: `${BACK}/oidc/delete`,
      handle: (cx) => mutate(BACK, `OIDC provider ${cx.field('arn') ?? ''} deleted.`, () => cx.call('DeleteOpenIDConnectProvider', { OpenIDConnectProviderArn: cx.field('arn') })),
    },
    {
      method: 'POST',
      path: `${BACK}/saml/create`,
      async handle(cx) {
        try {
          const out = await cx.call<{ SAMLProviderArn: string }>('CreateSAMLProvider', { Name: cx.field('name')?.trim(), SAMLMetadataDocument: cx.field('metadata') });
          return redirect(BACK, `SAML provider ${out.SAMLProviderArn} created.`);
        } catch (e) {
          return redirect(BACK, refusal(e), true);
        }
      },
    },
    {
      method: 'POST',
      path: `${BACK}/saml/update`,
      handle: (cx) =>
        mutate(`${BACK}/saml?arn=${encodeURIComponent(cx.field('arn') ?? '')}`, 'Metadata saved.', () =>
          cx.call('UpdateSAMLProvider', { SAMLProviderArn: cx.field('arn'), SAMLMetadataDocument: cx.field('metadata') }),
        ),
    },
    {
      method: 'POST',
      path: `${BACK}/saml/delete`,
      handle: (cx) => mutate(BACK, `SAML provider ${cx.field('arn') ?? ''} deleted.`, () => cx.call('DeleteSAMLProvider', { SAMLProviderArn: cx.field('arn') })),
    },
  ],
};
