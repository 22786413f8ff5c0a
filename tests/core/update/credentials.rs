//! Refused credentials: one banner for every environment, and every poll paused until `r` or
//! the long back-off; a denied permission is one environment's message, not a banner.

use super::*;
use shipdeck::app::{CREDENTIALS_RETRY, Reply, State};

fn expired() -> CloudError {
    CloudError::ExpiredCredentials {
        hint: "aws sso login --profile ops (ExpiredTokenException)".into(),
    }
}

/// Every read the effects start: refreshes, the catalogue, the log tail, the traffic read.
fn reads(effects: &[Effect]) -> usize {
    effects
        .iter()
        .filter(|e| {
            matches!(
                e,
                Effect::FetchEnv { .. }
                    | Effect::FetchReleases { .. }
                    | Effect::FetchLogs { .. }
                    | Effect::StreamTraffic { .. }
            )
        })
        .count()
}

/// Answers every refresh in `effects` with `result`.
fn answer_all(s: &mut State, effects: &[Effect], result: impl Fn() -> CloudError) {
    for e in effects {
        if let Effect::FetchEnv { env, request, .. } = e {
            update(
                s,
                Action::Reply(Reply::EnvLoaded {
                    env: *env,
                    request: *request,
                    result: Err(result()),
                }),
            );
        }
    }
}

/// A loaded state on the Logs view whose next refresh of all three environments met expired
/// credentials; its time is that of the refusals.
fn refused() -> State {
    let mut s = loaded();
    let logs = update(&mut s, Action::Show(View::Logs));
    let at = T0 + s.poll.idle;
    let fx = update(&mut s, Action::Tick(at));
    assert_eq!(fetches(&fx), [0, 1, 2]);
    answer_all(&mut s, &fx, expired);
    for e in &logs {
        if let Effect::FetchLogs {
            env,
            request,
            reads,
            ..
        } = e
        {
            let results = reads.iter().map(|r| (r.group.clone(), Err(expired())));
            let results = results.collect();
            update(
                &mut s,
                Action::Reply(Reply::LogsLoaded {
                    env: *env,
                    request: *request,
                    results,
                }),
            );
        }
    }
    s
}

#[test]
fn expired_credentials_show_one_banner_and_stop_every_poll() {
    let mut s = refused();
    let at = s.now;
    let pause = s.credentials.clone().expect("a banner");
    assert_eq!(pause.affected, ["dev", "stg", "prd", "log tail"]);
    assert_eq!(
        pause.error,
        "credentials expired: aws sso login --profile ops (ExpiredTokenException)"
    );
    assert_eq!(pause.retry_at, at + CREDENTIALS_RETRY);
    let [problem, resume] = s.credentials_banner().unwrap();
    assert!(problem.contains("aws sso login --profile ops"), "{problem}");
    assert_eq!(
        resume,
        "polling paused since 09:00:30 UTC: press r once fixed, or it tries again by itself \
         at 09:05:30 UTC · not read: dev, stg, prd, log tail"
    );
    assert!(
        s.status
            .as_ref()
            .is_none_or(|m| !m.text.contains("refresh failed")),
        "no status message per environment: {:?}",
        s.status
    );
    // Nothing is read while the back-off runs: not the environments, the catalogue or the logs.
    let mut t = at;
    while t + 5 * Timestamp::SECOND < at + CREDENTIALS_RETRY {
        t = t + 5 * Timestamp::SECOND;
        let fx = update(&mut s, Action::Tick(t));
        assert_eq!(reads(&fx), 0, "a call sure to fail at {t:?}: {fx:?}");
    }
    assert!(
        s.logs
            .load
            .error
            .as_deref()
            .is_some_and(|e| e.contains("credentials")),
        "the logs view says why nothing is read: {:?}",
        s.logs.load.error
    );
    // Then one refresh (the selected environment's) tries the credentials again.
    let retry = at + CREDENTIALS_RETRY;
    let fx = update(&mut s, Action::Tick(retry));
    assert_eq!(fetches(&fx), [0]);
    assert_eq!(reads(&fx), 1, "{fx:?}");
    answer_all(&mut s, &fx, expired);
    assert_eq!(
        s.credentials.as_ref().map(|p| p.retry_at),
        Some(retry + CREDENTIALS_RETRY),
        "still refused: another long back-off"
    );
    let fx = update(&mut s, Action::Tick(retry + Timestamp::MINUTE));
    assert_eq!(reads(&fx), 0);
    // The operator logged in: the next try succeeds, the banner goes and everything is read.
    let again = retry + CREDENTIALS_RETRY;
    let fx = update(&mut s, Action::Tick(again));
    assert_eq!(fetches(&fx), [0]);
    let snap = snapshot(
        "dev",
        vec![execution(
            "e-1",
            ExecutionStatus::Succeeded,
            "1.3.0",
            T0 - Timestamp::HOUR,
        )],
        None,
    );
    update(
        &mut s,
        Action::Reply(Reply::EnvLoaded {
            env: 0,
            request: request_of(&fx, 0),
            result: Ok(Box::new(snap)),
        }),
    );
    assert!(s.credentials.is_none(), "the banner goes");
    let fx = update(&mut s, Action::Tick(again + Timestamp::SECOND));
    assert_eq!(fetches(&fx), [1, 2], "the others at once");
    assert!(
        fx.iter().any(|e| matches!(e, Effect::FetchLogs { .. })),
        "the log tail too: {fx:?}"
    );
}

#[test]
fn r_tries_the_credentials_again_at_once_everywhere() {
    let mut s = refused();
    let fx = update(&mut s, Action::Refresh);
    assert_eq!(fetches(&fx), [0, 1, 2]);
    let [_, resume] = s
        .credentials_banner()
        .expect("the banner stays until a read succeeds");
    assert!(resume.contains("trying the credentials again…"), "{resume}");
    answer_all(&mut s, &fx, || CloudError::BadCredentials {
        service: "CodePipeline".into(),
        reason: "unknown access key or session token (UnrecognizedClientException)".into(),
    });
    let pause = s.credentials.clone().expect("still refused");
    assert!(
        pause
            .error
            .starts_with("credentials refused by CodePipeline"),
        "the latest refusal: {}",
        pause.error
    );
    assert_eq!(pause.retry_at, s.now + CREDENTIALS_RETRY);
    let later = s.now + 10 * Timestamp::SECOND;
    let fx = update(&mut s, Action::Tick(later));
    assert_eq!(reads(&fx), 0);
}

#[test]
fn a_denied_permission_is_one_environments_message_not_a_banner() {
    let mut s = loaded();
    let at = T0 + s.poll.idle;
    let fx = update(&mut s, Action::Tick(at));
    let denied = CloudError::access_denied(
        "codepipeline:GetPipelineState",
        "User: arn:aws:sts::123456789012:assumed-role/ReadOnly/alice is not authorized to \
         perform: codepipeline:ListPipelineExecutions on resource: \
         arn:aws:codepipeline:eu-west-1:123456789012:storefront-deployer-stg because no \
         identity-based policy allows the codepipeline:ListPipelineExecutions action",
    );
    update(
        &mut s,
        Action::Reply(Reply::EnvLoaded {
            env: 1,
            request: request_of(&fx, 1),
            result: Err(denied),
        }),
    );
    assert!(s.credentials.is_none(), "no banner");
    let m = s.status.clone().unwrap();
    assert_eq!(m.level, Level::Error);
    assert_eq!(
        m.text,
        "stg: refresh failed: access denied: not allowed to call \
         codepipeline:ListPipelineExecutions (no identity-based policy allows it: grant it to \
         the role, as the policies in assets/iam/ do)"
    );
    // Polling goes on (with the usual back-off).
    let next = s.envs[1].refresh.next_poll;
    assert!(next.since(at) <= s.poll.idle, "{next:?}");
    let fx = update(&mut s, Action::Tick(next));
    assert_eq!(fetches(&fx), [1]);
}

#[test]
fn a_refused_catalogue_or_identity_joins_the_banner() {
    let mut s = state();
    let fx = update(&mut s, Action::Tick(T0));
    let req = fx
        .iter()
        .find_map(|e| match e {
            Effect::FetchReleases { request, .. } => Some(*request),
            _ => None,
        })
        .unwrap();
    update(
        &mut s,
        Action::Reply(Reply::IdentityLoaded {
            env: 0,
            result: Err(expired()),
        }),
    );
    update(
        &mut s,
        Action::Reply(Reply::ReleasesLoaded {
            request: req,
            result: Err(expired()),
        }),
    );
    answer_all(&mut s, &fx, expired);
    let pause = s.credentials.clone().expect("a banner");
    assert_eq!(
        pause.affected,
        ["caller identity", "release catalogue", "dev", "stg", "prd"]
    );
    assert!(s.status.is_none(), "one banner, no message: {:?}", s.status);
}
