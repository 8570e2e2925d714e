/**
 * CDK entry (cdk.json: `npx tsx infra/app.ts`). Deploy settings come from context:
 *   npx cdk deploy -c jwtIssuer=https://<issuer> -c jwtAudience=<audience> [-c alarmEmail=<address>]
 * cdk-nag's AwsSolutions pack validates every synth: an unacknowledged finding fails it.
 */
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { SellerBadgesStack } from './stack';

const app = new App();
new SellerBadgesStack(app, 'SellerBadges', {
  description: 'seller-badges: monthly seller trust badges (API, monthly evaluation, store, alarms)',
});
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
app.synth();
