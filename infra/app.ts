/**
 * CDK entry (cdk.json: `npx tsx infra/app.ts`). Two stacks: SellerBadgesEdge (the CloudFront WAF web
 * ACL, us-east-1 only) and SellerBadges (everything else, any region). Deploy settings come from context:
 *   npx cdk deploy SellerBadgesEdge
 *   npx cdk deploy SellerBadges -c jwtIssuer=https://<issuer> -c jwtAudience=<audience> \
 *     -c edgeWebAclArn=<SellerBadgesEdge.WebAclArn> [-c corsAllowedOrigins=https://<seller center>] \
 *     [-c jwksUrl=https://<issuer keys>] [-c alarmEmail=<address>]
 * cdk-nag's AwsSolutions pack validates every synth: an unacknowledged finding fails it.
 */
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { SellerBadgesEdgeStack } from './edge-stack';
import { SellerBadgesStack } from './stack';

const app = new App();
new SellerBadgesEdgeStack(app, 'SellerBadgesEdge', {
  description: 'seller-badges: WAF web ACL of the CloudFront distribution (CLOUDFRONT scope, us-east-1)',
});
new SellerBadgesStack(app, 'SellerBadges', {
  description: 'seller-badges: monthly seller trust badges (API, monthly evaluation, store, alarms)',
});
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
app.synth();
