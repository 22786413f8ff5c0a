//! The Traffic view in `update`: polling the logs bucket with the tail planner while the view
//! is shown (each poll round one streamed read: listed, fetched and read as the CLI's
//! `logs cloudfront` does, its parts drawn as they come), and its keys (follow, search,
//! filter, presets).

use crate::accesslog::{EventTail, Filter, FilterError, Retained, TailPlanner};
use crate::app::traffic::source::Place;
use crate::app::traffic::{Preset, Resolved, Traffic, resolve};
use crate::app::{Effect, Level, RequestId, Scope, State, View};
use crate::cloud::CloudError;
use crate::domain::Timestamp;

/// Back-off after a failed listing.
const RETRY: i64 = 30 * Timestamp::SECOND;
/// When to look again at a tail with nothing to read (its sources are discovered once).
const UNREADABLE_RETRY: i64 = 5 * Timestamp::MINUTE;

impl State {
    /// Starts a fresh tail of the selected environment with `preset`, dropping what was read.
    pub(in crate::app) fn restart_traffic(&mut self, preset: Preset) {
        // What was read stays on the home screen, as of its newest record.
        self.keep_glance();
        let old = std::mem::take(&mut self.traffic);
        self.abandoned.extend(old.load.inflight);
        self.abandoned.extend(old.marks.inflight);
        self.abandoned.extend(old.marks.invalidations_inflight);
        let mut t = Traffic::new(self.selected, preset, self.now, self.retain);
        // The filter the operator typed last applies to what is read next (a filter refused
        // for fields the old records lacked may name fields these have); its charts count the
        // matching records from the first, never the unfiltered ones.
        match Filter::parse(&old.filter_text) {
            Ok(f) => t.filter = f,
            Err(e) => {
                t.filter = old.filter;
                t.filter_error = Some(e);
            }
        }
        t.committed = t.filter.clone();
        t.filter_text = old.filter_text;
        if !t.filter.is_all() {
            t.filtered_stats = Some(crate::accesslog::Stats::default());
        }
        t.search = old.search;
        // The detail pane showed a record of the old read, which is gone: it closes rather than
        // show whichever record comes first.
        t.detail = false;
        if old.env == self.selected {
            // Another range of the same environment: its markers and panel stay.
            t.marks = old.marks;
            t.marks.inflight = None;
            t.marks.key.clear();
            // Read again back to the new look-back.
            t.marks.invalidations_inflight = None;
            t.marks.invalidations_asked = None;
            t.marks.impact = None;
            if let Some(from) = old.reach_back {
                t.reach_back = Some(from);
                t.reach_until = old.reach_until;
                t.since = from;
                t.list_from = from.millis();
            }
        }
        self.traffic = t;
    }
}

/// The poll of the Traffic view that is due, if it is shown.
pub(in crate::app) fn due(state: &mut State) -> Option<Effect> {
    if state.view != View::Traffic {
        return None;
    }
    // Not yet polled: neither listed nor discovering its log sources, nothing read.
    let t = &state.traffic;
    let unstarted = t.planner.is_none()
        && t.events.is_none()
        && t.records.pushed() == 0
        && t.load.never_read()
        && t.load.inflight.is_none();
    if state.traffic.env != state.selected || unstarted {
        // A first look reads back from now, not from when the console started.
        let preset = state.traffic.preset;
        state.restart_traffic(preset);
    }
    let env = state.envs.get(state.selected)?;
    if !state.traffic.load.due(state.now) {
        return None;
    }
    let now = state.now;
    let dist = env.spec.distribution_id.clone();
    let target = match resolve(&env.spec, env.log_sources.as_ref(), env.log_pick.as_deref()) {
        Resolved::Target(target) => *target,
        Resolved::Discover => {
            let request = state.take_request();
            state.traffic.load.start(request);
            return Some(Effect::DiscoverLogSources {
                env: state.selected,
                request,
                distribution_id: dist,
            });
        }
        Resolved::NoSuchSource(why) => {
            // A pick made before discovery could check it names no source: it is refused with
            // the choices, and the source read by default is read instead of nothing.
            let name = env.spec.name.clone();
            state.say(
                Level::Error,
                format!(":logsource: {why}; {name} reads its default source"),
            );
            if let Some(e) = state.envs.get_mut(state.selected) {
                e.log_pick = None;
            }
            return due(state);
        }
        Resolved::Unreadable(why) => {
            state.traffic.load.failed(why, now + UNREADABLE_RETRY);
            return None;
        }
    };
    let since = state.traffic.since;
    let t = &mut state.traffic;
    let until = t.reach_until;
    if t.target.as_ref() != Some(&target) {
        (t.planner, t.events) = match &target.place {
            Place::Bucket { layout, .. } => {
                let planner = TailPlanner::for_layout(layout, &dist, since).ending(until);
                (Some(planner), None)
            }
            Place::Group { .. } => (None, Some(EventTail::new(since).ending(until))),
        };
        t.target = Some(target.clone());
    }
    let request = state.take_request();
    let t = &mut state.traffic;
    match target.place {
        Place::Bucket { bucket, .. } => {
            let round = t.planner.as_mut()?.round(now);
            t.load.start(request);
            Some(Effect::StreamTraffic {
                env: state.selected,
                request,
                bucket,
                round: Box::new(round),
                plain: target.plain,
            })
        }
        Place::Group { arn } => {
            let events = t.events.as_ref()?;
            let (start, end) = (events.start(), events.end());
            t.load.start(request);
            Some(Effect::FetchTrafficEvents {
                env: state.selected,
                request,
                group: arn,
                start,
                end,
            })
        }
    }
}

/// `:logsource`: without a pick, says which sources the distribution has and which is read;
/// with one, reads that source from now on (checked against the sources when they are known).
pub(in crate::app) fn log_source(state: &mut State, pick: Option<String>) -> Vec<Effect> {
    let Some(env) = state.envs.get(state.selected) else {
        return Vec::new();
    };
    let name = env.spec.name.clone();
    let sources = env.log_sources.as_ref().map(|f| f.sources());
    let Some(pick) = pick else {
        let reading = state.traffic.target.as_ref().map(|t| t.label.clone());
        let text = match (&sources, &env.spec.logs_bucket) {
            (Some(all), _) => {
                let list: Vec<String> = all
                    .iter()
                    .enumerate()
                    .map(|(i, s)| format!("{} {} ({})", i + 1, s.label(), s.format))
                    .collect();
                let list = if list.is_empty() {
                    "none".to_string()
                } else {
                    list.join(", ")
                };
                // What is read first: a narrow status bar cuts the end.
                let reading = reading.map_or_else(String::new, |r| format!("reading {r}; "));
                format!("{name}: {reading}log sources {list}; :logsource N reads another")
            }
            (None, Some(bucket)) => format!(
                "{name} reads the configured bucket {bucket}; :logsource N discovers the \
                 distribution's log sources and reads source N"
            ),
            (None, None) => {
                format!("{name}'s log sources are not discovered yet: open the traffic view")
            }
        };
        state.say(Level::Info, text);
        return Vec::new();
    };
    if let Some(all) = &sources
        && let Err(e) = crate::domain::pick_source(all, &pick)
    {
        state.say(Level::Error, format!(":logsource: {e}"));
        return Vec::new();
    }
    state.say(Level::Info, format!("reading {name}'s log source {pick}"));
    if let Some(e) = state.envs.get_mut(state.selected) {
        e.log_pick = Some(pick);
    }
    let preset = state.traffic.preset;
    state.restart_traffic(preset);
    let mut fx: Vec<Effect> = due(state).into_iter().collect();
    fx.extend(crate::app::poll::cancels(state));
    fx
}

/// Discovery came back: keep what it found (a total failure is read again after a pause).
pub(in crate::app) fn discovered(
    state: &mut State,
    env: usize,
    request: RequestId,
    found: crate::cloud::Discovery,
) {
    let now = state.now;
    if state.traffic.env != env || !state.traffic.load.accept(request) {
        return;
    }
    if let Some(err) = found.total_failure() {
        let text = format!("discovering the log sources: {err}");
        state.traffic.load.failed(text.clone(), now + RETRY);
        if !err.is_credentials() {
            state.say(Level::Warn, text);
        }
        crate::app::credentials::read_back(state, state.traffic.env, "traffic", Err(err));
        return;
    }
    for problem in found.problems() {
        state.say(Level::Warn, problem);
    }
    if let Some(e) = state.envs.get_mut(env) {
        e.log_sources = Some(found);
    }
    state.traffic.load.succeeded(now);
}

/// A log group's events came back: parse those not read before, or schedule the next poll.
pub(in crate::app) fn events(
    state: &mut State,
    env: usize,
    request: RequestId,
    result: Result<(Vec<crate::domain::LogEvent>, bool), CloudError>,
) -> Vec<Effect> {
    let t = &mut state.traffic;
    if t.env != env || !t.load.accept(request) {
        return Vec::new();
    }
    let now = state.now;
    let group = (t.target.as_ref().and_then(|t| t.group()))
        .unwrap_or("")
        .to_string();
    let (events, complete) = match result {
        Ok(answer) => answer,
        Err(err) => {
            // Unknown, not none: the records read so far stay, the failure is said.
            let text = format!(
                "reading the log group {}: {err}",
                crate::cloud::group_name(&group)
            );
            t.load.failed(text.clone(), now + RETRY);
            if !err.is_credentials() {
                state.say(Level::Warn, text);
            }
            crate::app::credentials::read_back(state, state.traffic.env, "traffic", Err(&err));
            return Vec::new();
        }
    };
    crate::app::credentials::accepted(state, state.traffic.env);
    let t = &mut state.traffic;
    let Some(tail) = t.events.as_mut() else {
        return Vec::new();
    };
    let fresh = tail.take(events);
    let next = tail.next_poll(now, complete);
    if fresh.is_empty() {
        t.load.succeeded(next);
        return Vec::new();
    }
    let plain = t.target.as_ref().and_then(|t| t.plain.clone());
    let request = state.take_request();
    state.traffic.load.start(request);
    state.traffic.load.next_poll = next;
    vec![Effect::ReadTrafficEvents {
        env,
        request,
        group,
        events: fresh,
        plain,
    }]
}

/// Part of a read came back (how far it has come in `progress`): its records are kept and
/// drawn at once, its keys taken, the read goes on (its final reply brings the rest and ends
/// it).
pub(in crate::app) fn part(
    state: &mut State,
    env: usize,
    request: RequestId,
    batch: &crate::app::TrafficBatch,
    progress: crate::app::ReadProgress,
) -> Vec<Effect> {
    let now = state.now;
    let t = &mut state.traffic;
    if t.env != env || t.load.inflight != Some(request) {
        return Vec::new();
    }
    t.now = now;
    absorb(t, batch);
    t.reading = Some(progress);
    offer_athena(state, env, progress);
    Vec::new()
}

/// Once a look-back's read has downloaded more than the environment's `local_max_bytes`, the
/// status bar offers `:query` over the same range, which answers on Athena above that size; the
/// view keeps reading (its list needs the records).
fn offer_athena(state: &mut State, env: usize, progress: crate::app::ReadProgress) {
    let limit = state.queries.athena(env).local_max_bytes;
    let t = &mut state.traffic;
    if t.offered_athena || limit == 0 || progress.bytes <= limit {
        return;
    }
    t.offered_athena = true;
    let preset = t.preset.label();
    let name = state
        .envs
        .get(env)
        .map_or("", |e| e.spec.name.as_str())
        .to_string();
    state.say(
        Level::Warn,
        format!(
            "{name}'s last {preset} hold more logs than local_max_bytes {} ({} read so far, {} \
             of {}{} objects): `:query {preset}` answers it on Athena; this view keeps reading",
            crate::query::size(limit),
            crate::query::size(progress.bytes),
            progress.read,
            progress.listed,
            if progress.listing { "+" } else { "" },
        ),
    );
}

/// Objects were read: keep their records, give back the keys that could not be fetched; the
/// read ends, and says what went wrong in it (its parts included).
pub(in crate::app) fn read(
    state: &mut State,
    env: usize,
    request: RequestId,
    batch: &crate::app::TrafficBatch,
) -> Vec<Effect> {
    let now = state.now;
    let t = &mut state.traffic;
    if t.env != env || !t.load.accept(request) {
        return Vec::new();
    }
    t.now = now;
    absorb(t, batch);
    t.reading = None;
    let trouble = std::mem::take(&mut t.trouble);
    t.load.next_poll = match (t.planner.as_mut(), &t.events) {
        (Some(p), _) => p.next_poll(now),
        // A log group's next poll was set when its events came back.
        (None, Some(_)) => t.load.next_poll.max(now),
        (None, None) => now + RETRY,
    };
    // Unknown is not none: a listing that stopped leaves a partial view, said as such, and the
    // next round lists the whole look-back again (soon, not after an idle interval).
    if let Some((listing, err)) = &batch.listing_error {
        if let Some(p) = t.planner.as_mut() {
            p.listing_failed();
        }
        t.load.next_poll = t.load.next_poll.min(now + RETRY);
        let text = format!("partial: listing {listing}: {err}; listed again at the next poll");
        t.load.error = Some(text.clone());
        if !err.is_credentials() {
            state.say(Level::Warn, text);
        }
        crate::app::credentials::read_back(state, state.traffic.env, "traffic", Err(err));
        return Vec::new();
    }
    let problem = trouble.given_up.or(trouble.error).or_else(|| {
        let failed = trouble.retrying;
        (failed > 0).then(|| format!("{failed} object(s) could not be read; retrying"))
    });
    t.load.error = problem.clone();
    if let Some(text) = problem {
        state.say(Level::Warn, text);
    }
    crate::app::credentials::accepted(state, state.traffic.env);
    Vec::new()
}

/// Takes one batch of a read (a part or the last): records kept, keys that could not be fetched
/// given back, incomplete objects read again or given up with their complete records; what
/// went wrong is noted for the read's end.
fn absorb(t: &mut Traffic, batch: &crate::app::TrafficBatch) {
    let mut retrying = 0usize;
    if let Some(p) = t.planner.as_mut() {
        // The keys the read reached are taken (those it did not reach are listed again), then
        // those that could not be fetched given back.
        let reached = (batch.complete_keys.iter())
            .chain(batch.incomplete.iter().map(|i| &i.key))
            .chain(&batch.failed_keys);
        for key in reached {
            p.took(key);
        }
        for key in &batch.failed_keys {
            p.mark_failed(key);
        }
    }
    t.ingest(batch);
    for key in &batch.complete_keys {
        t.partial.remove(key);
    }
    let mut given_up = Vec::new();
    for part in &batch.incomplete {
        // Reads of one object are prefixes of it: keep the longest.
        let longer = t
            .partial
            .get(&part.key)
            .is_none_or(|b| b.records.len() < part.batch.records.len());
        if longer {
            t.partial.insert(part.key.clone(), part.batch.clone());
        }
        let again = t
            .planner
            .as_mut()
            .is_some_and(|p| p.retry_incomplete(&part.key));
        if again {
            retrying += 1;
        } else if let Some(mut kept) = t.partial.remove(&part.key) {
            kept.errors.push(part.error.clone());
            t.ingest(&kept);
            given_up.push(part.error.clone());
        }
    }
    if let Some(p) = t.planner.as_ref() {
        // Objects forgotten before they could be read again take their partial reads along.
        t.partial.retain(|key, _| p.awaits_reread(key));
    }
    let failed = batch.failed_keys.len() + retrying;
    t.retries += failed as u64;
    let trouble = &mut t.trouble;
    trouble.retrying += failed;
    if trouble.given_up.is_none() {
        trouble.given_up = given_up.into_iter().next();
    }
    if trouble.error.is_none() {
        trouble.error = (batch.stopped.iter().chain(&batch.errors).next()).cloned();
    }
}

/// The filter expression typed so far: applied when it parses and names only fields the view's
/// records keep, else its error is kept (with the position) and the previous filter stays applied.
pub(in crate::app) fn filter_typed(state: &mut State, text: &str) {
    let t = &mut state.traffic;
    t.filter_text = text.to_string();
    let parsed = Filter::parse(text).and_then(|f| match unkept(&t.records, &f, text) {
        Some(e) => Err(e),
        None => Ok(f),
    });
    match parsed {
        Ok(f) => {
            t.filter_error = None;
            if f != t.filter {
                t.filter = f;
                t.relist();
            }
        }
        Err(e) => {
            t.filter_error = Some(e);
            if t.filter != t.committed {
                t.filter = t.committed.clone();
                t.relist();
            }
        }
    }
}

/// A filter on a field no record read has (standard logging v2's `c-country`, `asn`,
/// `cache-behavior-path-pattern`, the origin latencies, on a delivery that does not log them)
/// cannot be answered; it is refused like a mistake, naming the fields — never shown as "no
/// record matches". Before any record is read there is nothing to tell, and it applies (the list
/// then says the answer is unknown should the records come without the field).
fn unkept(records: &Retained, filter: &Filter, text: &str) -> Option<FilterError> {
    if records.pushed() == 0 {
        return None;
    }
    let missing = records.not_kept(filter);
    let first = missing.first()?;
    let names: Vec<&str> = missing.iter().map(|f| f.name()).collect();
    // The caret goes under the first word that names one of them (its alias or its log name).
    let position = text
        .char_indices()
        .filter(|&(i, _)| i == 0 || !text[..i].ends_with(|c: char| c.is_alphanumeric() || c == '-'))
        .find(|&(i, _)| {
            let word: String = text[i..]
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '-' || *c == '(' || *c == ')')
                .collect();
            Filter::parse(&format!("{word}:x"))
                .ok()
                .is_some_and(|f| f.fields().contains(first))
                || Filter::parse(&format!("{word}>1"))
                    .ok()
                    .is_some_and(|f| f.fields().contains(first))
        })
        .map(|(i, _)| text[..i].chars().count())
        .unwrap_or(0);
    Some(FilterError {
        position,
        message: format!(
            "no record read has {}: this distribution's logging does not deliver it (standard \
             logging v2 can; `shipdeck config check --discover` shows the fields delivered)",
            names.join(", ")
        ),
    })
}

/// Chooses a time preset: a longer look-back than the tail reads restarts it, and so does any
/// while nothing has been read yet (a longer look-back's first read still on its way); otherwise
/// the list and the charts just show the preset's window of what was read.
pub(in crate::app) fn set_preset(state: &mut State, preset: Preset) -> Vec<Effect> {
    let since = state.now - preset.millis();
    let nothing_yet = state.traffic.stats.newest().is_none();
    if since < state.traffic.since || nothing_yet {
        state.restart_traffic(preset);
        state.say(
            Level::Info,
            format!("reading the last {} of access logs", preset.label()),
        );
        let mut fx: Vec<Effect> = due(state).into_iter().collect();
        fx.extend(crate::app::poll::cancels(state));
        return fx;
    }
    let t = &mut state.traffic;
    t.preset = preset;
    t.now = state.now;
    t.relist();
    state.say(
        Level::Info,
        format!("showing the last {} of access logs", preset.label()),
    );
    Vec::new()
}

/// Jumps the selection to the first record at or after `t` and pauses there.
pub(in crate::app) fn goto(state: &mut State, t: Timestamp) {
    match state.view {
        View::Traffic => match state.traffic.row_at_time(t) {
            Some(row) => {
                state.traffic.follow = false;
                state.traffic.select(row);
            }
            None => state.say(Level::Warn, format!("no record at or after {t}")),
        },
        View::Logs => {
            let rows = state.visible_log_rows();
            match rows
                .iter()
                .position(|&i| state.logs.events[i].timestamp >= t)
            {
                Some(row) => crate::app::logs::select::mark_row(state, &rows, row),
                None => state.say(Level::Warn, format!("no event at or after {t}")),
            }
        }
        _ => state.say(Level::Warn, ":goto works in the Logs and Traffic views"),
    }
}

/// Searches on from the selection (`n`) or back (`N`).
pub(in crate::app) fn search_step(state: &mut State, forward: bool) {
    if state.traffic.search.is_empty() {
        state.say(Level::Info, "no search: type / and a text first");
        return;
    }
    let from = state.traffic.selected_row();
    state.clear_info();
    match state.traffic.find(forward) {
        Some(row) => {
            state.traffic.follow = false;
            state.traffic.select(row);
            if let Some(note) =
                from.and_then(|cur| crate::app::logs::keys::wrap_note(cur, row, forward))
            {
                state.say_about(Scope::View(View::Traffic), Level::Info, note);
            }
        }
        None => {
            let text = format!("`{}` not found", state.traffic.search);
            state.say_about(Scope::View(View::Traffic), Level::Warn, text);
        }
    }
}
