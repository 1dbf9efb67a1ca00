/** A printable sheet for the installer: the site, the cloud address, the claim code and a QR code of both. */
import { useRoute } from 'preact-iso';
import { api } from '../api.js';
import { Async, Note } from '../../kit/components/feedback.js';
import { Button } from '../../kit/components/forms.js';
import { Page } from '../../kit/components/layout.js';
import { useApi } from '../../kit/hooks.js';
import { fmt } from '../../kit/strings.js';
import type { ClaimCodeView, SiteView } from '../contracts.js';
import { claimPayload, QrCode } from '../qr.js';
import { S } from '../strings.js';

export default function ClaimSheet() {
  const { params } = useRoute();
  const data = useApi(async () => {
    const [sites, codes] = await Promise.all([
      api.get<{ sites: SiteView[] }>('/sites'),
      api.get<{ claimCodes: ClaimCodeView[] }>(`/sites/${encodeURIComponent(params.siteId)}/claim-codes`),
    ]);
    return { site: sites.sites.find((s) => s.id === params.siteId)!, code: codes.claimCodes.find((c) => c.code === params.code) ?? null };
  }, [params.siteId, params.code]);
  const cloudUrl = location.origin;
  return (
    <Page title={S.sheet.title} actions={<><a href="/sites">{S.sheet.back}</a><Button kind="primary" onClick={() => window.print()}>{S.sheet.print}</Button></>}>
      <Async resource={data}>
        {({ site, code }) =>
          !code || code.state !== 'active' ? (
            <Note kind="warn">{S.sheet.notActive}</Note>
          ) : (
            <article class="claim-sheet card">
              <p>{S.sheet.intro}</p>
              <dl class="facts sheet-facts">
                <dt>{S.sheet.site}</dt>
                <dd>{site.name}</dd>
                <dt>{S.sheet.cloudUrl}</dt>
                <dd class="mono">{cloudUrl}</dd>
                <dt>{S.sheet.code}</dt>
                <dd class="mono claim-code">{code.code}</dd>
                <dt>{S.sheet.expires}</dt>
                <dd>{fmt.dateTime(code.expiresAt, site.timezone)} ({site.timezone})</dd>
              </dl>
              <QrCode text={claimPayload(cloudUrl, code.code)} label={S.sheet.qr(site.name)} />
            </article>
          )
        }
      </Async>
    </Page>
  );
}
