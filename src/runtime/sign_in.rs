//! The console's sign-in ([`Effect::SignIn`](crate::app::Effect::SignIn)): the device
//! authorization of `shipdeck login` for each distinct SSO session of the profiles, the code
//! sent to the dialog as soon as the portal gives it, on the wall clock.

use super::WallClock;
use super::cloudfront_logs::Progress;
use crate::app::{Action, Reply, RequestId};
use crate::cloud::aws::login;
use crate::domain::Timestamp;

/// Signs in every session of `profiles`; the codes go to `progress` as they are issued, the
/// answer says how it ended. Cancelled by aborting the task (nothing is written until the token
/// is there).
pub async fn run(request: RequestId, profiles: Vec<String>, progress: Option<&Progress>) -> Action {
    let result = sign_in(request, &profiles, progress)
        .await
        .map_err(|e| e.to_string());
    Action::Reply(Reply::SignedIn { request, result })
}

async fn sign_in(
    request: RequestId,
    profiles: &[String],
    progress: Option<&Progress>,
) -> Result<Vec<(String, Timestamp)>, login::LoginError> {
    let sessions = login::sessions(profiles).await?;
    let dir = login::cache_dir()?;
    let endpoint = login::endpoint_from_env();
    let mut signed = Vec::new();
    for (target, _) in sessions {
        let client = login::client(&target.region, endpoint.as_deref());
        let pending = login::start(&client, target, &dir, &WallClock).await?;
        if let Some(tx) = progress {
            let _ = tx.send(Action::Reply(Reply::SignInCode {
                request,
                session: pending.target.describe(),
                url: pending.code.url.clone(),
                code: pending.code.user_code.clone(),
                expires_at: pending.code.expires_at,
            }));
        }
        let done = login::finish(&client, pending, &WallClock).await?;
        tracing::info!(session = %done.target.describe(), "signed in to SSO");
        signed.push((done.target.describe(), done.expires_at));
    }
    Ok(signed)
}
