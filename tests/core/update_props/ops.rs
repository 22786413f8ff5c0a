//! The operator's actions under random keys and answers.

use super::*;

/// The invariants of the console's actions across one step.
fn check_ops(before: &State, after: &State, effects: &[Effect]) -> Result<(), TestCaseError> {
    let sends = effects.iter().filter(|e| is_apply(e)).count();
    prop_assert!(sends <= 1, "one step sent {} calls", sends);
    if sends == 1 {
        let was_editing = before
            .ops
            .dialog
            .as_ref()
            .is_some_and(|d| d.phase == Phase::Editing && d.ready());
        prop_assert!(was_editing, "a call was sent without a ready dialog");
        prop_assert!(!after.session.read_only, "read-only sent a call");
    }
    if before.selected != after.selected && before.ops.dialog.is_some() {
        prop_assert!(
            after.ops.dialog.is_none(),
            "a dialog survived an environment switch"
        );
    }
    if let Some(d) = &after.ops.dialog {
        prop_assert_eq!(
            d.env,
            after.selected,
            "the dialog acts on the selected environment"
        );
        prop_assert!(!after.session.read_only, "read-only opened a dialog");
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn random_sessions_keep_the_state_consistent(
        steps in prop::collection::vec(step(), 1..120),
        read_only in any::<bool>(),
    ) {
        let mut s = operator_state(read_only);
        let mut pending: Vec<Effect> = update(&mut s, Action::Tick(T0));
        let mut issued: HashSet<u64> = pending.iter().filter_map(request_id).collect();
        let mut now = T0;
        for step in steps {
            let before_state = s.clone();
            let before = s.now;
            let effects = match step {
                Step::Key(a) => update(&mut s, a),
                Step::Tick(dt) => { now = now + dt; update(&mut s, Action::Tick(now)) }
                Step::Answer(i, ok) if !pending.is_empty() => {
                    let e = pending.remove(i % pending.len());
                    match answer(&e, ok, s.now) { Some(a) => update(&mut s, a), None => Vec::new() }
                }
                Step::Answer(..) => Vec::new(),
                Step::Bogus(env, request) if !issued.contains(&request) => {
                    let before_env = s.envs[env].clone();
                    let result = Ok(Box::new(snapshot("dev", Vec::new(), None)));
                    let fx = update(&mut s, Action::Reply(Reply::EnvLoaded { env, request, result }));
                    prop_assert_eq!(&s.envs[env], &before_env, "an answer nobody asked for changed the state");
                    fx
                }
                Step::Bogus(..) => Vec::new(),
            };
            prop_assert!(s.now >= before, "time ran backwards");
            check_ops(&before_state, &s, &effects)?;
            if read_only {
                prop_assert!(!effects.iter().any(is_apply), "read-only yielded a mutating effect");
            }
            for e in &effects {
                if let Some(id) = request_id(e) {
                    prop_assert!(issued.insert(id), "request id {} reused", id);
                }
            }
            if effects.contains(&Effect::Quit) {
                prop_assert!(s.quit);
                break;
            }
            pending.extend(effects);
            check(&s);
        }
    }
}
