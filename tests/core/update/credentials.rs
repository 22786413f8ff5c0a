//! Refused credentials: one banner for every environment of the identity refused, and every poll
//! of that identity paused until `r` or the long back-off (the other identities' go on); a
//! denied permission is one environment's message, not a banner.

use super::*;
use shipdeck::app::{CREDENTIALS_RETRY, Reply, SignInStep, State};

fn expired() -> CloudError {
    CloudError::ExpiredCredentials {
        hint: "shipdeck login --profile ops (ExpiredTokenException)".into(),
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
    let [pause] = s.credentials.clone().try_into().expect("one banner");
    assert_eq!(pause.affected, ["dev", "stg", "prd", "log tail"]);
    assert_eq!(
        pause.error,
        "credentials expired: shipdeck login --profile ops (ExpiredTokenException)"
    );
    assert_eq!(pause.retry_at, at + CREDENTIALS_RETRY);
    let [problem, resume] = s.credentials_banner().unwrap();
    assert!(
        problem.contains("shipdeck login --profile ops"),
        "{problem}"
    );
    assert_eq!(
        resume,
        "paused since 09:00 UTC · :login, or r · not read: dev, stg, prd"
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
        s.credentials.iter().map(|p| p.retry_at).collect::<Vec<_>>(),
        [retry + CREDENTIALS_RETRY],
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
    assert!(s.credentials.is_empty(), "the banner goes");
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
    let [pause] = s.credentials.clone().try_into().expect("still refused");
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
    assert!(s.credentials.is_empty(), "no banner");
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
    let [pause] = s.credentials.clone().try_into().expect("one banner");
    assert_eq!(
        pause.affected,
        ["caller identity", "release catalogue", "dev", "stg", "prd"]
    );
    assert!(s.status.is_none(), "one banner, no message: {:?}", s.status);
}

fn command(s: &mut State, text: &str) -> Vec<Effect> {
    update(s, Action::CommandOpen);
    for c in text.chars() {
        update(s, Action::Input(c));
    }
    update(s, Action::Submit)
}

/// An expired SSO session: the banner offers `:login`; the dialog shows the page and code while
/// the runtime waits, other keys do nothing, and once signed in the dialog closes and every read
/// the credentials stopped runs at once (not after the back-off).
#[test]
fn an_expired_sso_session_is_signed_in_again_from_the_console_and_the_reads_retried() {
    let mut s = refused();
    s.session.mode = shipdeck::app::Mode::Aws;
    let [_, resume] = s.credentials_banner().unwrap();
    assert!(resume.contains(" · :login, or r · "), "{resume}");
    let fx = command(&mut s, "login");
    let request = match fx.as_slice() {
        [Effect::SignIn { request, profiles }] => {
            assert_eq!(profiles, &["ops"], "the profile of the expired session");
            *request
        }
        other => panic!("{other:?}"),
    };
    let dialog = s.sign_in.clone().unwrap();
    assert_eq!(dialog.affected, ["dev", "stg", "prd", "log tail"]);
    assert_eq!(dialog.step, SignInStep::Starting);
    let expires_at = s.now + 10 * Timestamp::MINUTE;
    update(
        &mut s,
        Action::Reply(Reply::SignInCode {
            request,
            session: "sso-session `corp`".into(),
            url: "https://device.sso.eu-west-1.amazonaws.com/?user_code=WDJB-MJHT".into(),
            code: "WDJB-MJHT".into(),
            expires_at,
        }),
    );
    assert!(matches!(
        &s.sign_in.as_ref().unwrap().step,
        SignInStep::Waiting { code, .. } if code == "WDJB-MJHT"
    ));
    // The dialog holds the keys: a refresh key or an environment switch does nothing.
    assert!(update(&mut s, Action::NextEnv).is_empty());
    assert_eq!(s.selected, 0);
    let until = s.now + 8 * Timestamp::HOUR;
    let fx = update(
        &mut s,
        Action::Reply(Reply::SignedIn {
            request,
            result: Ok(vec![("sso-session `corp`".into(), until)]),
        }),
    );
    assert!(s.sign_in.is_none(), "the dialog closes");
    assert_eq!(
        fetches(&fx),
        [0, 1, 2],
        "every environment read again at once"
    );
    assert!(fx.iter().any(|e| matches!(e, Effect::FetchIdentity { .. })));
    let status = s.status.clone().unwrap();
    assert!(
        status
            .text
            .contains("signed in to sso-session `corp` until"),
        "{status:?}"
    );
    // The reads answer: the credentials work, the banner goes.
    for e in &fx {
        if let Effect::FetchEnv { env, request, .. } = e {
            update(
                &mut s,
                Action::Reply(Reply::EnvLoaded {
                    env: *env,
                    request: *request,
                    result: Err(CloudError::NotFound {
                        kind: "pipeline".into(),
                        name: "x".into(),
                    }),
                }),
            );
        }
    }
    assert!(
        s.credentials.is_empty(),
        "the banner goes once a read is accepted"
    );
}

/// Esc cancels a sign-in still waiting (its task is stopped); a failed one stays in the dialog
/// with why until Esc; a late answer of a cancelled sign-in changes nothing.
#[test]
fn a_sign_in_is_cancelled_with_esc_and_a_failure_is_shown_in_the_dialog() {
    let mut s = refused();
    s.session.mode = shipdeck::app::Mode::Aws;
    let fx = command(&mut s, "login admin");
    let [Effect::SignIn { request, profiles }] = fx.as_slice() else {
        panic!("{fx:?}");
    };
    assert_eq!(profiles, &["admin"], "the profile named");
    let request = *request;
    let fx = update(&mut s, Action::Back);
    assert_eq!(fx, [Effect::Cancel { request }]);
    assert!(s.sign_in.is_none());
    let now = s.now;
    let late = update(
        &mut s,
        Action::Reply(Reply::SignedIn {
            request,
            result: Ok(vec![("sso-session `corp`".into(), now)]),
        }),
    );
    assert!(late.is_empty() && !s.credentials.is_empty(), "{late:?}");
    let fx = command(&mut s, "login");
    let [Effect::SignIn { request, .. }] = fx.as_slice() else {
        panic!("{fx:?}");
    };
    let request = *request;
    update(
        &mut s,
        Action::Reply(Reply::SignedIn {
            request,
            result: Err("the sign-in to sso-session `corp` was denied".into()),
        }),
    );
    assert_eq!(
        s.sign_in.as_ref().unwrap().step,
        SignInStep::Failed("the sign-in to sso-session `corp` was denied".into())
    );
    assert!(update(&mut s, Action::Back).is_empty(), "nothing to stop");
    assert!(s.sign_in.is_none());
}

/// The demo's sign-in: an expired SSO session's banner offers `:login`, which lets the
/// simulated credentials in again at once (no page, no code) and retries every read the pause
/// stopped; with no SSO session expired there is nothing to sign in to.
#[test]
fn the_demo_signs_in_again_at_once() {
    let mut s = refused();
    let [_, resume] = s.credentials_banner().unwrap();
    assert!(resume.contains(":login, or r"), "{resume}");
    let fx = command(&mut s, "login");
    assert!(s.sign_in.is_none());
    assert!(fx.contains(&Effect::DemoFault { env: None }), "{fx:?}");
    assert_eq!(fetches(&fx), [0, 1, 2]);
    let mut fresh = loaded();
    assert!(command(&mut fresh, "login").is_empty());
    assert!(fresh.status.unwrap().text.contains("no SSO session"));
}

/// `:fault ENV` is the demo's: it asks the runtime to refuse that environment's credentials
/// (`clear`: to accept them all again) and says so; against AWS it is refused.
#[test]
fn fault_refuses_one_environments_credentials_in_the_demo_only() {
    let mut s = loaded();
    assert_eq!(
        command(&mut s, "fault prd"),
        [Effect::DemoFault {
            env: Some("prd".into())
        }]
    );
    assert!(
        s.status
            .clone()
            .unwrap()
            .text
            .contains("prd's account refuses")
    );
    assert_eq!(
        command(&mut s, "fault clear"),
        [Effect::DemoFault { env: None }]
    );
    assert!(command(&mut s, "fault qa").is_empty());
    assert!(
        s.status
            .clone()
            .unwrap()
            .text
            .contains("unknown environment `qa`")
    );
    s.session.mode = shipdeck::app::Mode::Aws;
    assert!(command(&mut s, "fault prd").is_empty());
    assert!(s.status.unwrap().text.contains("only the demo"));
}

/// A refused role's error is long: at 80 columns the banner's first line says it in a few words
/// — the environment, the role, the code and what to fix — within two rows.
#[test]
fn a_refused_roles_banner_fits_two_rows_at_80_columns() {
    let mut s = loaded();
    s.accounts.group = vec![0, 0, 1];
    let at = T0 + s.poll.idle;
    let fx = update(&mut s, Action::Tick(at));
    let role = CloudError::RoleNotAssumed {
        role: "arn:aws:iam::222222222222:role/shipdeck-operator".into(),
        caller: "arn:aws:sts::123456789012:assumed-role/Operator/demo-operator".into(),
        reason: "AccessDenied: User: arn:aws:sts::123456789012:assumed-role/Operator/\
                 demo-operator is not authorized to perform: sts:AssumeRole"
            .into(),
    };
    for e in &fx {
        if let Effect::FetchEnv { env, request, .. } = e {
            let result = if *env == 2 {
                Err(role.clone())
            } else {
                let x = execution("e-1", ExecutionStatus::Succeeded, "1.3.0", T0);
                Ok(Box::new(snapshot(
                    &s.envs[*env].spec.name.clone(),
                    vec![x],
                    None,
                )))
            };
            let (env, request) = (*env, *request);
            update(
                &mut s,
                Action::Reply(Reply::EnvLoaded {
                    env,
                    request,
                    result,
                }),
            );
        }
    }
    let lines = shipdeck::tui::widgets::header::banner_lines(&s, 80, 4);
    assert_eq!(lines.len(), 3, "{lines:#?}");
    assert_eq!(
        lines[..2].join(" "),
        "⚠ prd: cannot assume role arn:aws:iam::222222222222:role/shipdeck-operator \
         (AccessDenied): its trust policy, or the caller's sts:AssumeRole"
    );
    assert!(lines[2].ends_with("not read: prd"), "{lines:#?}");
    // Where there is room, the whole error.
    let wide = shipdeck::tui::widgets::header::banner_lines(&s, 300, 4);
    assert!(
        wide.join(" ")
            .contains("(the role's trust policy must let this caller assume it"),
        "{wide:#?}"
    );
}

/// Answers each refresh in `effects`: `refused` environments with expired credentials, the
/// others with a good snapshot, in the order given.
fn answer(s: &mut State, effects: &[Effect], refused: &[usize]) {
    for e in effects {
        if let Effect::FetchEnv { env, request, .. } = e {
            let name = s.envs[*env].spec.name.clone();
            let result = if refused.contains(env) {
                Err(expired())
            } else {
                let x = execution("e-1", ExecutionStatus::Succeeded, "1.3.0", T0);
                Ok(Box::new(snapshot(&name, vec![x], None)))
            };
            let (env, request) = (*env, *request);
            update(
                s,
                Action::Reply(Reply::EnvLoaded {
                    env,
                    request,
                    result,
                }),
            );
        }
    }
}

/// prd in its own identity (another account): its refused credentials pause prd only, and the
/// banner says so within 80 columns; dev and stg go on being read, and their success in the same
/// round does not lift prd's pause (it would flap); `r` retries prd too; the back-off's end
/// tries prd alone; prd's own success lifts its pause.
#[test]
fn a_refused_identity_pauses_its_own_environments_only() {
    let mut s = loaded();
    s.accounts.group = vec![0, 0, 1];
    let at = T0 + s.poll.idle;
    let fx = update(&mut s, Action::Tick(at));
    assert_eq!(fetches(&fx), [0, 1, 2]);
    // prd refused first, dev and stg read after it, in the same round.
    let mut order = fx.clone();
    order.sort_by_key(|e| match e {
        Effect::FetchEnv { env, .. } => usize::MAX - env,
        _ => 0,
    });
    answer(&mut s, &order, &[2]);
    let [pause] = s
        .credentials
        .clone()
        .try_into()
        .expect("prd's pause, still there");
    assert_eq!(
        (pause.identity, pause.affected.as_slice()),
        (1, &["prd".to_string()][..])
    );
    assert!(s.paused(2) && !s.paused(0) && !s.paused(1));
    let [problem, resume] = s.credentials_banner().unwrap();
    assert_eq!(
        problem,
        "prd: credentials expired: shipdeck login --profile ops (ExpiredTokenException)"
    );
    assert_eq!(
        resume,
        "paused since 09:00 UTC · :login, or r · not read: prd"
    );
    assert!(
        problem.chars().count() <= 78 && resume.chars().count() <= 78,
        "each line fits 80 columns with its margins"
    );
    // The back-off: dev and stg are read as usual, prd never.
    let mut t = at;
    let mut read = Vec::new();
    while t + 5 * Timestamp::SECOND < at + CREDENTIALS_RETRY {
        t = t + 5 * Timestamp::SECOND;
        let fx = update(&mut s, Action::Tick(t));
        read.extend(fetches(&fx));
        answer(&mut s, &fx, &[]);
    }
    assert!(!read.contains(&2), "prd is not read while paused: {read:?}");
    assert!(read.contains(&0) && read.contains(&1), "{read:?}");
    assert!(s.paused(2), "dev's and stg's reads do not lift prd's pause");
    // `r` tries prd at once; refused again, it pauses again.
    let fx = update(&mut s, Action::Refresh);
    assert!(fetches(&fx).contains(&2), "{fx:?}");
    answer(&mut s, &fx, &[2]);
    let retry_at = s.pause_of(2).unwrap().retry_at;
    assert_eq!(retry_at, s.now + CREDENTIALS_RETRY);
    // The back-off's end: prd's refresh alone tries the credentials; it works, the pause goes.
    let fx = update(&mut s, Action::Tick(retry_at));
    assert!(fetches(&fx).contains(&2), "{fx:?}");
    answer(&mut s, &fx, &[]);
    assert!(s.credentials.is_empty(), "{:?}", s.credentials);
    assert!(s.credentials_banner().is_none());
}
