//! The `Identity` port over STS `GetCallerIdentity`.

use super::AwsCloud;
use super::errors::{Call, map};
use crate::cloud::{CloudResult, Identity, WhoAmI};
use async_trait::async_trait;

#[async_trait]
impl Identity for AwsCloud {
    async fn caller_identity(&self) -> CloudResult<WhoAmI> {
        let r = self.ready().await;
        let c = Call {
            service: "sts",
            operation: "GetCallerIdentity",
            iam: "sts:GetCallerIdentity",
            resources: &[("identity", "caller")],
        };
        let out = r.clients.sts.get_caller_identity().send().await;
        let out = out.map_err(|e| map(e, &c, &r.site))?;
        Ok(WhoAmI {
            account: out.account.unwrap_or_default(),
            arn: out.arn.unwrap_or_default(),
        })
    }
}
