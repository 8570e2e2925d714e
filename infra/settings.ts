/**
 * Deploy-time settings, read from CDK context (`-c key=value` or cdk.json) and validated once.
 *
 * Why context and not CfnParameters: the JWT issuer and audience shape the synthesized template (and the
 * tests pin them), they are known before deploy, and `cdk deploy -c jwtIssuer=... -c jwtAudience=...`
 * needs no parameter plumbing through pipelines.
 *
 * Why a placeholder instead of failing synth when they are missing: `npm run synth` and the infra tests
 * must work on any machine without settings. The placeholder fails closed: `.invalid` is a reserved TLD
 * (RFC 2606) that never resolves, so the functions cannot fetch its signing keys: a request without a
 * token answers 401, one with a token 500 (the key set is unreachable, which alarms), and no token is ever
 * accepted, while the public badge routes keep working. Synth warns when the placeholder is in use.
 *
 * The other settings: `jwksUrl` (where the functions fetch the issuer's keys; default
 * `<issuer>/.well-known/jwks.json`), `corsAllowedOrigins` (comma-separated browser origins, the Seller
 * Center's, that protected routes answer with CORS headers) and `edgeWebAclArn` (the WAF web ACL of the
 * SellerBadgesEdge stack, us-east-1, attached to the CloudFront distribution).
 * A value that is present but malformed fails synth with a message that says how to fix it.
 */
import { Annotations } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { list, ORIGIN_RE } from '../shared/config';

export const PLACEHOLDER_JWT_ISSUER = 'https://issuer.invalid/';
export const PLACEHOLDER_JWT_AUDIENCE = 'seller-badges';

export interface DeploySettings {
  /** The OIDC issuer URL (the `iss` claim); API Gateway reads `<issuer>/.well-known/openid-configuration`. */
  jwtIssuer: string;
  /** Accepted `aud` values (a token must carry one of them). */
  jwtAudience: string[];
  /** The address the stack's alarm topic e-mails (SNS asks it to confirm once); without it nobody is told. */
  alarmEmail?: string;
  jwksUrl?: string;
  corsAllowedOrigins?: string[];
  edgeWebAclArn?: string;
}

function contextString(scope: Construct, key: string): string | undefined {
  const value: unknown = scope.node.tryGetContext(key);
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') {
    throw new Error(`Context "${key}" must be a string; pass it as -c ${key}=<value>.`);
  }
  return value.trim();
}

export function readDeploySettings(scope: Construct): DeploySettings {
  const issuer = contextString(scope, 'jwtIssuer');
  const audience = contextString(scope, 'jwtAudience');
  const alarmEmail = contextString(scope, 'alarmEmail');

  if (issuer !== undefined) {
    let url: URL;
    try {
      url = new URL(issuer);
    } catch {
      throw new Error(
        `Context "jwtIssuer" is not a URL: "${issuer}". Pass the OIDC issuer, for example ` +
          '-c jwtIssuer=https://cognito-idp.<region>.amazonaws.com/<userPoolId>',
      );
    }
    if (url.protocol !== 'https:') {
      throw new Error(`Context "jwtIssuer" must be an https URL (the functions fetch its keys over TLS): "${issuer}".`);
    }
  }
  const audiences = audience === undefined ? undefined : list(audience);
  if (audience !== undefined && (audiences === undefined || audiences.length === 0)) {
    throw new Error('Context "jwtAudience" is empty: pass one or more comma-separated audiences, -c jwtAudience=<clientId>.');
  }
  // The shape SNS accepts for an e-mail endpoint, checked here so a typo fails synth, not the deploy.
  if (alarmEmail !== undefined && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(alarmEmail)) {
    throw new Error(`Context "alarmEmail" is not an e-mail address: "${alarmEmail}". Pass -c alarmEmail=<address>.`);
  }

  const jwksUrl = contextString(scope, 'jwksUrl');
  if (jwksUrl !== undefined && !/^https:\/\/[^\s]+$/.test(jwksUrl)) {
    throw new Error(`Context "jwksUrl" must be an https URL: "${jwksUrl}".`);
  }
  const originsText = contextString(scope, 'corsAllowedOrigins');
  const origins = originsText === undefined ? undefined : list(originsText);
  const badOrigin = origins?.find((o) => !ORIGIN_RE.test(o));
  if (badOrigin !== undefined) {
    throw new Error(`Context "corsAllowedOrigins" has "${badOrigin}": pass origins (scheme and host, no path), comma-separated.`);
  }
  const edgeWebAclArn = contextString(scope, 'edgeWebAclArn');
  if (edgeWebAclArn !== undefined && !/^arn:aws[a-z-]*:wafv2:us-east-1:\d{12}:global\/webacl\/[\w-]+\/[\w-]+$/.test(edgeWebAclArn)) {
    throw new Error(`Context "edgeWebAclArn" is not a CLOUDFRONT-scope WAF web ACL ARN (arn:aws:wafv2:us-east-1:<account>:global/webacl/<name>/<id>): "${edgeWebAclArn}".`);
  }
  if (edgeWebAclArn === undefined) {
    Annotations.of(scope).addWarningV2(
      'seller-badges:no-web-acl',
      'edgeWebAclArn not set: the CloudFront distribution has no WAF web ACL (no rate limit per client IP). ' +
        'Deploy the SellerBadgesEdge stack (us-east-1) and pass -c edgeWebAclArn=<its WebAclArn output>.',
    );
  }

  if ((issuer === undefined) !== (audience === undefined)) {
    // Half a setting would pair a real issuer with the placeholder audience (or the reverse): refuse.
    throw new Error('Set both jwtIssuer and jwtAudience (-c jwtIssuer=<https issuer URL> -c jwtAudience=<audience>), or neither.');
  }
  if (issuer === undefined) {
    Annotations.of(scope).addWarningV2(
      'seller-badges:jwt-placeholder',
      'jwtIssuer/jwtAudience not set: the functions verify tokens against a placeholder issuer and accept none ' +
        '(protected routes answer 401 or 500). Deploy with -c jwtIssuer=<https issuer URL> -c jwtAudience=<audience>.',
    );
  }

  if (alarmEmail === undefined) {
    Annotations.of(scope).addWarningV2(
      'seller-badges:no-alarm-email',
      'alarmEmail not set: the alarms notify an SNS topic with no subscriber, so nobody hears about a failed ' +
        'monthly run. Deploy with -c alarmEmail=<address> (or subscribe to the AlarmTopic output yourself).',
    );
  }

  return {
    jwtIssuer: issuer ?? PLACEHOLDER_JWT_ISSUER,
    jwtAudience: audiences ?? [PLACEHOLDER_JWT_AUDIENCE],
    ...(alarmEmail !== undefined ? { alarmEmail } : {}),
    ...(jwksUrl !== undefined ? { jwksUrl } : {}),
    ...(origins !== undefined && origins.length > 0 ? { corsAllowedOrigins: origins } : {}),
    ...(edgeWebAclArn !== undefined ? { edgeWebAclArn } : {}),
  };
}
