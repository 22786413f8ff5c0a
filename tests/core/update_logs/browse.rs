//! Browsing the Traffic view: the filter expression with its error position, search with
//! n/N, follow/pause and the detail pane, presets, jump to time, export and retention commands.

use super::*;

/// The help overlay over the Traffic view: the filter key still opens the Traffic filter (with
/// what applies there), never the other views' filter; the moving keys scroll the help.
#[test]
fn under_the_help_overlay_the_filter_key_opens_the_traffic_filter() {
    let mut s = traffic(300);
    update(&mut s, Action::FilterOpen);
    typed(&mut s, "status>=500");
    update(&mut s, Action::Submit);
    update(&mut s, Action::ToggleHelp);
    update(&mut s, Action::Down);
    assert!(
        matches!(s.overlay, Some(Overlay::Help)),
        "Down scrolls the help"
    );
    update(&mut s, Action::FilterOpen);
    let Some(Overlay::Filter(line)) = &s.overlay else {
        panic!("the filter opens: {:?}", s.overlay);
    };
    assert_eq!(
        line.text, "status>=500",
        "the Traffic filter, as it applies"
    );
    typed(&mut s, " and path:/api/*");
    assert_eq!(s.traffic.filter_text, "status>=500 and path:/api/*");
    assert!(s.filter.is_empty(), "the other views' filter is untouched");
}

#[test]
fn the_filter_expression_applies_as_typed_and_shows_its_error_position() {
    let mut s = traffic(300);
    update(&mut s, Action::FilterOpen);
    assert!(matches!(s.overlay, Some(Overlay::Filter(_))));
    typed(&mut s, "status>=500");
    let t = &s.traffic;
    assert!(!t.rows.is_empty() && t.rows.len() < 300);
    assert!(t.rows.iter().all(|q| t.record(*q).unwrap().status() >= 500));
    assert!(t.filtered_stats.is_some(), "charts follow the filter");
    update(&mut s, Action::Submit);
    let errors = s.traffic.rows.len();
    update(&mut s, Action::FilterOpen);
    typed(&mut s, " and (");
    let err = s.traffic.filter_error.clone().expect("an error");
    assert_eq!(s.traffic.filter_text, "status>=500 and (");
    assert!(err.position >= 16, "{err}");
    // While the text has an error, the filter in force before typing applies.
    let t = &s.traffic;
    assert_eq!(t.filter.source(), "status>=500");
    assert_eq!(t.rows.len(), errors);
    update(&mut s, Action::Submit);
    let status = s.status.clone().unwrap();
    assert_eq!(status.level, Level::Error);
    assert!(
        status.text.starts_with("filter not applied"),
        "{}",
        status.text
    );
    update(&mut s, Action::Back);
    assert!(s.traffic.filter_text.is_empty() && s.traffic.filter.is_all());
    assert_eq!(s.traffic.rows.len(), 300);
}

/// A filter on a field no record read has (standard logging v2's country, ASN, cache behavior,
/// origin latencies, from a legacy delivery) cannot be answered: it is refused like a mistake —
/// with the caret under the field — rather than shown as "no record matches".
#[test]
fn a_filter_on_a_field_no_record_has_is_refused_not_shown_as_no_match() {
    let mut s = traffic(300);
    update(&mut s, Action::FilterOpen);
    typed(&mut s, "status>=500");
    update(&mut s, Action::Submit);
    let kept = s.traffic.rows.len();
    update(&mut s, Action::FilterOpen);
    typed(&mut s, " and country:DE");
    let err = s.traffic.filter_error.clone().expect("refused");
    assert_eq!(err.position, "status>=500 and ".len(), "{err}");
    assert!(
        err.message.contains("no record read has c-country"),
        "{err}"
    );
    // The filter in force before typing still applies: the rows are not emptied.
    assert_eq!(s.traffic.filter.source(), "status>=500");
    assert_eq!(s.traffic.rows.len(), kept);
    update(&mut s, Action::Submit);
    assert!(
        s.status
            .clone()
            .unwrap()
            .text
            .starts_with("filter not applied")
    );
    update(&mut s, Action::Back);
    update(&mut s, Action::FilterOpen);
    typed(&mut s, "ofbl > 200");
    let err = s.traffic.filter_error.clone().expect("refused");
    assert_eq!(err.position, 0, "{err}");
    assert!(err.message.contains("origin-fbl"), "{err}");
}

/// The Traffic view of a standard logging v2 delivery (W3C with v2's default fields).
fn traffic_v2(n: usize) -> (State, Vec<AccessRecord>) {
    use shipdeck::cloud::sim::cloudfront::{LogFormat, V2_FIELDS, write_log};
    let mut s = state();
    update(&mut s, Action::Tick(T0));
    let fx = update(&mut s, Action::Show(View::Traffic));
    let (request, _) = streamed(&fx, &[KEY]).expect("a read");
    let recs = records(n, T0 - 40 * Timestamp::MINUTE);
    let text = write_log(&recs, &V2_FIELDS, LogFormat::W3c).unwrap();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    std::io::Write::write_all(&mut gz, &text).unwrap();
    let body = gz.finish().unwrap();
    let b = of_keys(
        parse_objects("b", vec![(KEY.to_string(), Ok(body))]),
        &[KEY],
    );
    assert_eq!(b.records.len(), n, "{:?}", b.errors);
    update(
        &mut s,
        Action::Reply(Reply::TrafficRead {
            env: 0,
            request,
            batch: Box::new(b),
        }),
    );
    (s, recs)
}

/// v2's fields are kept in the view's records: filterable (`country:DE`, `asn:…`, `behavior:…`,
/// `ofbl > …`), in the filtered charts' top lists and percentiles, and in the detail pane.
#[test]
fn v2_fields_filter_the_view_and_show_in_its_charts_and_detail() {
    let (mut s, recs) = traffic_v2(400);
    assert_eq!(s.traffic.rows.len(), 400);
    let de = recs
        .iter()
        .filter(|r| r.country.as_deref() == Some("DE"))
        .count();
    assert!(de > 0 && de < 400, "{de}");
    update(&mut s, Action::FilterOpen);
    typed(&mut s, "country:DE");
    assert_eq!(s.traffic.filter_error, None);
    update(&mut s, Action::Submit);
    let t = &s.traffic;
    assert_eq!(t.rows.len(), de);
    assert!(
        t.rows
            .iter()
            .all(|q| t.record(*q).unwrap().country() == "DE")
    );
    // The filtered charts count the listed records, v2's lists included.
    let mut t = s.traffic.clone();
    while t.charts_pending() {
        t.charts_step(1_000);
    }
    let stats = t.filtered_stats.as_ref().expect("filtered statistics");
    let summary = stats.summary();
    assert_eq!(
        summary.top.countries.len(),
        1,
        "{:?}",
        summary.top.countries
    );
    assert_eq!(summary.top.countries[0].key, "DE");
    assert_eq!(summary.top.countries[0].count, de as u64);
    let slow = recs
        .iter()
        .filter(|r| r.country.as_deref() == Some("DE"))
        .filter_map(|r| r.origin_fbl_ms)
        .max();
    assert_eq!(summary.origin_fbl_ms.max, slow);
    for expr in ["asn:16509", "behavior:*", "ofbl > 100"] {
        update(&mut s, Action::FilterOpen);
        update(&mut s, Action::ClearLine);
        typed(&mut s, expr);
        assert_eq!(s.traffic.filter_error, None, "{expr}");
        update(&mut s, Action::Submit);
        assert!(!s.traffic.rows.is_empty(), "{expr}");
    }
    // The detail pane of an older record (its whole line not kept) names v2's fields too.
    let seq = s.traffic.rows[0];
    let (pairs, _) = shipdeck::tui::panes::traffic_record::fields(&s.traffic, seq).unwrap();
    let r = s.traffic.record(seq).unwrap();
    let value = |name: &str| {
        pairs
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
    };
    assert_eq!(value("asn").as_deref(), Some(r.asn()));
    assert!(
        value("c-country").is_some() && value("origin-lbl").is_some(),
        "{pairs:?}"
    );
}

#[test]
fn search_selects_matches_with_n_and_shift_n_and_pauses() {
    let mut s = traffic(300);
    update(&mut s, Action::SearchOpen);
    typed(&mut s, "/api/");
    assert_eq!(s.traffic.search, "/api/");
    update(&mut s, Action::Submit);
    assert!(!s.traffic.follow, "a match stops following");
    let first = s.traffic.selected_row().unwrap();
    assert!(selected_path(&s).contains("/api/"));
    update(&mut s, Action::SearchNext);
    let second = s.traffic.selected_row().unwrap();
    assert_ne!(first, second);
    assert!(selected_path(&s).contains("/api/"));
    update(&mut s, Action::SearchPrev);
    assert_eq!(s.traffic.selected_row(), Some(first));
    update(&mut s, Action::SearchOpen);
    typed(&mut s, "zzz-nowhere");
    update(&mut s, Action::Submit);
    assert!(s.status.unwrap().text.contains("not found"));
}

#[test]
fn follow_pause_moves_and_the_detail_pane() {
    let mut s = traffic(100);
    assert_eq!(s.traffic.selected_row(), Some(99));
    update(&mut s, Action::ToggleFollow);
    assert!(!s.traffic.follow);
    update(&mut s, Action::Up);
    update(&mut s, Action::Up);
    assert_eq!(s.traffic.selected_row(), Some(97));
    update(&mut s, Action::Top);
    assert_eq!(s.traffic.selected_row(), Some(0));
    update(&mut s, Action::PageDown);
    assert_eq!(s.traffic.selected_row(), Some(20));
    update(&mut s, Action::ToggleDetail);
    assert!(s.traffic.detail);
    let seq = s.traffic.selected_seq().unwrap();
    let full = s
        .traffic
        .full_line(seq)
        .expect("recent records keep their whole line");
    assert_eq!(full.names.len(), 33);
    update(&mut s, Action::Back);
    assert!(!s.traffic.detail, "Esc closes the detail first");
    assert_eq!(s.view, View::Traffic);
    update(&mut s, Action::Bottom);
    assert!(s.traffic.follow);
    assert_eq!(s.traffic.selected_row(), Some(99));
    update(&mut s, Action::ToggleFollow);
    update(&mut s, Action::ToggleFollow);
    assert!(s.traffic.follow);
}

#[test]
fn presets_narrow_the_list_or_restart_the_tail_for_a_longer_look_back() {
    let mut s = traffic(300);
    let fx = update(&mut s, Action::NextPreset);
    assert_eq!(s.traffic.preset, Preset::H24);
    assert_eq!(s.traffic.since, T0 - Timestamp::DAY);
    assert!(
        s.traffic.records.is_empty(),
        "a longer look-back reads again"
    );
    let (_, start_after) = list_effect(&fx).unwrap();
    assert_eq!(start_after, "cloudfront/dev/E2DEVSTOREFRNT.2025-11-24-09");
    let mut s = traffic(300);
    update(&mut s, Action::CommandOpen);
    typed(&mut s, "range 15m");
    let fx = update(&mut s, Action::Submit);
    assert!(fx.is_empty(), "a shorter preset narrows what was read");
    let t = &s.traffic;
    assert_eq!((t.preset, t.records.len()), (Preset::M15, 300));
    assert!(t.rows.len() < 300);
    // The last 15 minutes back from now (from its 10-second step), as the charts count.
    let from = (T0 - 15 * Timestamp::MINUTE).millis().div_euclid(10_000) * 10_000;
    let time = |q: &u64| t.record(*q).unwrap().timestamp_ms();
    assert!(t.rows.iter().all(|q| time(q) >= from));
    let in_window = (0..t.records.len())
        .filter(|&i| t.records.get(i).unwrap().timestamp_ms() >= from)
        .count();
    assert_eq!(t.rows.len(), in_window);
    let chart = t.panel.snapshot.as_ref().unwrap();
    assert_eq!(
        (chart.window.as_str(), chart.requests),
        ("15m", in_window as u64)
    );
    // Back to the hour: within what was read, so no new read; every record listed again.
    update(&mut s, Action::CommandOpen);
    typed(&mut s, "range 1h");
    let fx = update(&mut s, Action::Submit);
    assert!(fx.is_empty(), "the hour was read already: {fx:?}");
    let t = &s.traffic;
    assert_eq!(
        (t.preset, t.records.len(), t.rows.len()),
        (Preset::H1, 300, 300)
    );
    assert_eq!(t.panel.snapshot.as_ref().unwrap().requests, 300);
}

#[test]
fn a_preset_chosen_before_anything_was_read_reads_its_own_window() {
    // 1h read, then 24h (a restart reading from yesterday), then at once 15m, before the 24h
    // read came back: nothing is read yet, so the tail starts again from 15 minutes back.
    let mut s = traffic(300);
    update(&mut s, Action::NextPreset);
    assert_eq!(s.traffic.preset, Preset::H24);
    let fx = update(&mut s, Action::NextPreset);
    let t = &s.traffic;
    assert_eq!(t.preset, Preset::M15);
    assert_eq!(
        t.since,
        T0 - 15 * Timestamp::MINUTE,
        "reads from 15 minutes back"
    );
    let (_, start_after) = list_effect(&fx).expect("a new listing");
    assert_eq!(start_after, "cloudfront/dev/E2DEVSTOREFRNT.2025-11-25-08");
}

#[test]
fn goto_export_and_retain_commands() {
    let mut s = traffic(300);
    update(&mut s, Action::CommandOpen);
    typed(&mut s, "goto 08:40");
    update(&mut s, Action::Submit);
    let t = &s.traffic;
    let row = t.selected_row().unwrap();
    let at = |i: usize| t.record(t.rows[i]).unwrap().timestamp_ms();
    assert!(!t.follow);
    assert!(at(row) >= (T0 - 20 * Timestamp::MINUTE).millis());
    assert!(row == 0 || at(row - 1) < (T0 - 20 * Timestamp::MINUTE).millis());
    // Export the listed (filtered) records.
    update(&mut s, Action::FilterOpen);
    typed(&mut s, "status:5xx");
    update(&mut s, Action::Submit);
    let n = s.traffic.rows.len();
    update(&mut s, Action::ExportPrompt);
    assert!(matches!(&s.overlay, Some(Overlay::Command(l)) if l.text == "export "));
    typed(&mut s, "/tmp/errors.jsonl");
    let fx = update(&mut s, Action::Submit);
    let Some(Effect::WriteFile { path, job, replace }) = fx.first() else {
        panic!("{fx:?}")
    };
    assert_eq!((path.as_str(), job.len()), ("/tmp/errors.jsonl", n));
    assert!(!replace, "an existing file is not replaced without asking");
    let contents = written(job);
    let lines: Vec<serde_json::Value> = contents
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), n);
    assert!(
        lines
            .iter()
            .all(|v| v["sc-status"].as_u64().unwrap() >= 500)
    );
    assert!(lines[0]["time-taken"].is_number() && lines[0]["cs-uri-stem"].is_string());
    update(&mut s, Action::CommandOpen);
    typed(&mut s, "export out.tsv");
    let fx = update(&mut s, Action::Submit);
    let Some(Effect::WriteFile { job, .. }) = fx.first() else {
        panic!()
    };
    let contents = written(job);
    // As `logs cloudfront -o tsv` writes a log with the columns the view keeps.
    assert!(contents.starts_with("timestamp\tdate\ttime\tx-edge-location\tsc-bytes\tc-ip"));
    assert_eq!(contents.lines().count(), n + 1);
    update(&mut s, Action::CommandOpen);
    typed(&mut s, "export out.log");
    let fx = update(&mut s, Action::Submit);
    let Some(Effect::WriteFile { job, .. }) = fx.first() else {
        panic!()
    };
    let contents = written(job);
    assert!(contents.starts_with("#Version: 1.0\n#Fields: date time x-edge-location sc-bytes"));
    assert_eq!(
        contents.lines().count(),
        n + 2,
        "the W3C lines under their headers"
    );
    update(&mut s, Action::CommandOpen);
    typed(&mut s, "export out.csv");
    assert!(update(&mut s, Action::Submit).is_empty());
    assert!(
        s.status
            .clone()
            .unwrap()
            .text
            .contains(".jsonl, .tsv or .log")
    );
    let done = |result| {
        Action::Reply(Reply::FileWritten {
            path: "x.tsv".into(),
            records: 3,
            result,
        })
    };
    update(&mut s, done(Ok(())));
    assert_eq!(
        s.status.clone().unwrap().text,
        "exported 3 records to x.tsv"
    );
    update(
        &mut s,
        done(Err(ExportError::Failed("permission denied".into()))),
    );
    assert_eq!(s.status.clone().unwrap().level, Level::Error);
    // Retention.
    update(&mut s, Action::CommandOpen);
    typed(&mut s, "retain 5000");
    let fx = update(&mut s, Action::Submit);
    assert_eq!((s.retain, s.traffic.records.capacity()), (5000, 5000));
    assert!(list_effect(&fx).is_some(), "the tail starts again");
    update(&mut s, Action::CommandOpen);
    typed(&mut s, "retain lots");
    update(&mut s, Action::Submit);
    assert!(s.status.unwrap().text.contains("bad record count `lots`"));
}

#[test]
fn a_page_key_moves_the_traffic_selection_by_the_rows_shown_less_one() {
    use ratatui::layout::Rect;
    let mut s = traffic(300);
    // Before the terminal loop reports the list's height: 20 rows.
    update(&mut s, Action::PageUp);
    assert_eq!(s.traffic.selected_row(), Some(299 - 20));
    update(&mut s, Action::Bottom);
    let action = shipdeck::tui::render::page_rows(&s, Rect::new(0, 0, 120, 40)).unwrap();
    update(&mut s, action);
    let page = s.traffic.page;
    assert!(
        page > 20,
        "{page} rows on a 40-row screen beside the charts"
    );
    assert_eq!(
        shipdeck::tui::render::page_rows(&s, Rect::new(0, 0, 120, 40)),
        None
    );
    update(&mut s, Action::PageUp);
    assert_eq!(s.traffic.selected_row(), Some(299 - (page - 1)));
}

#[test]
fn a_search_that_goes_round_the_list_says_so() {
    let mut s = traffic(300);
    update(&mut s, Action::SearchOpen);
    typed(&mut s, "/api/");
    update(&mut s, Action::Submit);
    let matches = s
        .traffic
        .rows
        .iter()
        .filter(|q| s.traffic.record(**q).unwrap().path().contains("/api/"))
        .count();
    assert!(matches > 2, "{matches}");
    let say = |s: &State| s.status.as_ref().map(|m| m.text.clone());
    // `G` goes to the newest row; the next match from there is past the end.
    update(&mut s, Action::Bottom);
    update(&mut s, Action::SearchNext);
    assert_eq!(
        say(&s).as_deref(),
        Some("search hit the bottom, continued at the top")
    );
    update(&mut s, Action::SearchNext);
    assert_eq!(say(&s), None, "an ordinary step says nothing new");
    update(&mut s, Action::Top);
    update(&mut s, Action::SearchPrev);
    assert_eq!(
        say(&s).as_deref(),
        Some("search hit the top, continued at the bottom")
    );
    // The note is about this view's list: it goes when the operator leaves the view.
    update(&mut s, Action::Show(View::Pipeline));
    assert_eq!(say(&s), None, "no search note over another view");
}

/// The Traffic view with `:export FILE` typed and run; the write it asks for.
fn export(s: &mut State, line: &str) -> (String, std::sync::Arc<ExportJob>, bool) {
    update(s, Action::CommandOpen);
    typed(s, line);
    let fx = update(s, Action::Submit);
    match fx.first() {
        Some(Effect::WriteFile { path, job, replace }) => (path.clone(), job.clone(), *replace),
        _ => panic!("no write: {fx:?}"),
    }
}

/// The runtime's answer that the file exists.
fn exists(path: &str, job: &std::sync::Arc<ExportJob>) -> Action {
    Action::Reply(Reply::FileWritten {
        path: path.into(),
        records: 0,
        result: Err(ExportError::Exists {
            bytes: 12_345,
            job: job.clone(),
        }),
    })
}

#[test]
fn an_export_asks_before_it_replaces_a_file_and_writes_the_records_it_took() {
    let mut s = traffic(300);
    let (path, job, replace) = export(&mut s, "export out.jsonl");
    assert_eq!((path.as_str(), replace), ("out.jsonl", false));
    // The file is there: the operator is asked, and nothing is written meanwhile.
    assert!(update(&mut s, exists(&path, &job)).is_empty());
    let Some(Overlay::ReplaceFile(q)) = &s.overlay else {
        panic!("a question: {:?}", s.overlay)
    };
    assert_eq!((q.path.as_str(), q.bytes), ("out.jsonl", 12_345));
    // Time passing and answers arriving do not answer it.
    update(&mut s, Action::Tick(T0 + 1_000));
    assert!(matches!(s.overlay, Some(Overlay::ReplaceFile(_))));
    // Enter (as after typing the command) and any key but y keep the file.
    for key in [
        Action::Submit,
        Action::Input('n'),
        Action::Back,
        Action::Down,
    ] {
        if s.overlay.is_none() {
            let (path, job, _) = export(&mut s, "export out.jsonl");
            update(&mut s, exists(&path, &job));
        }
        assert!(update(&mut s, key.clone()).is_empty(), "{key:?}");
        assert_eq!(s.overlay, None);
        assert_eq!(
            s.status.clone().unwrap().text,
            "out.jsonl kept: nothing exported",
            "{key:?}"
        );
    }
    // y replaces it with the records the export took, not those listed by the time of the answer.
    let (path, job, _) = export(&mut s, "export out.jsonl");
    let taken = job.len();
    update(&mut s, exists(&path, &job));
    let fx = update(&mut s, Action::Input('y'));
    let Some(Effect::WriteFile {
        path,
        job: again,
        replace,
    }) = fx.first()
    else {
        panic!("{fx:?}")
    };
    assert_eq!(path, "out.jsonl");
    assert!(*replace);
    assert!(std::sync::Arc::ptr_eq(&job, again));
    assert_eq!(again.len(), taken);
    assert_eq!(s.overlay, None);
}

#[test]
fn export_bang_replaces_and_a_busy_console_is_told_rather_than_asked() {
    let mut s = traffic(300);
    let (path, job, replace) = export(&mut s, "export! out.tsv");
    assert_eq!((path.as_str(), replace), ("out.tsv", true));
    // The answer arrives while the operator types a filter: no question over the prompt.
    update(&mut s, Action::FilterOpen);
    update(&mut s, exists(&path, &job));
    assert!(matches!(s.overlay, Some(Overlay::Filter(_))));
    let msg = s.status.clone().unwrap();
    assert_eq!(msg.level, Level::Warn);
    assert_eq!(
        msg.text,
        "out.tsv exists (12,345 bytes): nothing exported; :export! out.tsv replaces it"
    );
}

/// Opening the detail pane while following pauses on the record opened: the pane never swaps
/// to the newest record as it arrives.
#[test]
fn opening_the_detail_while_following_pauses_on_the_record_opened() {
    let mut s = traffic(100);
    assert!(s.traffic.follow);
    let opened = s.traffic.selected_seq().unwrap();
    update(&mut s, Action::ToggleDetail);
    assert!(s.traffic.detail);
    assert!(!s.traffic.follow, "opening the detail pauses");
    assert_eq!(s.traffic.cursor, Some(opened));
    assert_eq!(s.traffic.selected_seq(), Some(opened));
    update(&mut s, Action::Back);
    update(&mut s, Action::Bottom);
    assert!(s.traffic.follow, "G follows again");
}

/// A read started afresh with a filter applied (here a longer look-back) charts the matching
/// records only, never the unfiltered ones; and the filter the operator typed last applies to a
/// new environment's read, even one refused over the old records for a field they lacked, so
/// the filter line and what applies never disagree; the detail pane of an old record closes.
#[test]
fn a_fresh_read_charts_only_the_matching_records_and_applies_the_filter_typed_last() {
    let mut s = traffic(300);
    update(&mut s, Action::FilterOpen);
    typed(&mut s, "status>=500");
    update(&mut s, Action::Submit);
    let fx = update(&mut s, Action::NextPreset);
    let (request, _) = streamed(&fx, &[KEY]).expect("a read");
    let recs = records(300, T0 - 40 * Timestamp::MINUTE);
    let matching = recs.iter().filter(|r| r.status() >= 500).count() as u64;
    assert!(matching > 0 && matching < 300, "{matching}");
    update(
        &mut s,
        Action::Reply(Reply::TrafficRead {
            env: 0,
            request,
            batch: Box::new(of_keys(batch(&recs), &[KEY])),
        }),
    );
    let t = &s.traffic;
    assert_eq!(t.rows.len() as u64, matching);
    let chart = t.panel.snapshot.as_ref().expect("charts");
    assert_eq!(
        chart.requests, matching,
        "the charts count the filtered rows"
    );
    update(&mut s, Action::FilterOpen);
    typed(&mut s, " and country:DE");
    assert!(s.traffic.filter_error.is_some(), "no legacy record has it");
    update(&mut s, Action::Submit);
    assert_eq!(s.traffic.filter.source(), "status>=500");
    update(&mut s, Action::ToggleDetail);
    update(&mut s, Action::NextEnv);
    let t = &s.traffic;
    assert_eq!(t.env, 1, "stg's read");
    assert_eq!(t.filter_text, "status>=500 and country:DE");
    assert_eq!(
        t.filter.source(),
        "status>=500 and country:DE",
        "what the filter line says applies"
    );
    assert!(t.filter_error.is_none());
    assert!(!t.detail, "the old record's detail closed");
}

/// The Traffic view of dev after a read that came in part-batches out of time order: the
/// newer half first, then a late object's older half (as a read's part-batches come, in key
/// order, and an hour's keys sort by a random suffix).
fn read_out_of_order(n: usize) -> State {
    let mut s = state();
    update(&mut s, Action::Tick(T0));
    let fx = update(&mut s, Action::Show(View::Traffic));
    let (request, _) = streamed(&fx, &[KEY]).expect("a read");
    let mut recs = records(n, T0 - 40 * Timestamp::MINUTE);
    recs.sort_by_key(|r| r.timestamp_ms());
    let (older, newer) = recs.split_at(n / 2);
    update(
        &mut s,
        Action::Reply(Reply::TrafficRead {
            env: 0,
            request,
            batch: Box::new(of_keys(batch(newer), &[KEY])),
        }),
    );
    s.traffic.ingest(&batch(older));
    s
}

/// The times of the listed rows, in list order.
fn listed_times(s: &State) -> Vec<i64> {
    let t = &s.traffic;
    t.rows
        .iter()
        .map(|q| t.record(*q).unwrap().timestamp_ms())
        .collect()
}

/// However the batches come, the list is in time order: following shows the newest record,
/// the top is the oldest, `:goto` selects the first record at or after the time asked, and an
/// export is written oldest first, as the list shows.
#[test]
fn goto_and_export_follow_time_not_the_order_records_were_read_in() {
    let mut s = read_out_of_order(200);
    let times = listed_times(&s);
    assert_eq!(times.len(), 200);
    assert!(
        times.windows(2).all(|w| w[0] <= w[1]),
        "the late object's records are merged in time order"
    );
    let newest = s.traffic.stats.newest().unwrap().millis();
    let t = &s.traffic;
    let time = |q: u64| t.record(q).unwrap().timestamp_ms();
    assert_eq!(
        time(t.selected_seq().unwrap()),
        newest,
        "following the newest"
    );
    update(&mut s, Action::Top);
    let t = &s.traffic;
    let time = |q: u64| t.record(q).unwrap().timestamp_ms();
    assert_eq!(
        time(t.selected_seq().unwrap()),
        times[0],
        "the top is the oldest"
    );
    update(&mut s, Action::CommandOpen);
    typed(&mut s, "goto 08:25");
    update(&mut s, Action::Submit);
    let t = &s.traffic;
    let at = |i: usize| t.record(t.rows[i]).unwrap().timestamp_ms();
    let from = (T0 - 35 * Timestamp::MINUTE).millis();
    let row = t.selected_row().unwrap();
    assert!(at(row) >= from && (row == 0 || at(row - 1) < from));
    let job = ExportJob::of(t, ExportFormat::Jsonl);
    let times: Vec<String> = written(&job)
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            format!(
                "{}T{}",
                v["date"].as_str().unwrap(),
                v["time"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(times.len(), 200);
    assert!(times.windows(2).all(|w| w[0] <= w[1]), "oldest first");
}

/// A paused selection stays on its record when a late object's older records are merged in
/// before it (the rows shift, the record does not); following stays on the newest.
#[test]
fn a_late_batch_keeps_the_selected_record_and_following_stays_at_the_newest() {
    let mut s = state();
    update(&mut s, Action::Tick(T0));
    let fx = update(&mut s, Action::Show(View::Traffic));
    let (request, _) = streamed(&fx, &[KEY]).expect("a read");
    let mut recs = records(300, T0 - 40 * Timestamp::MINUTE);
    recs.sort_by_key(|r| r.timestamp_ms());
    // Read in three parts: the middle, then the newest, then the oldest.
    let (older, rest) = recs.split_at(100);
    let (middle, newer) = rest.split_at(100);
    update(
        &mut s,
        Action::Reply(Reply::TrafficRead {
            env: 0,
            request,
            batch: Box::new(of_keys(batch(middle), &[KEY])),
        }),
    );
    s.traffic.ingest(&batch(newer));
    let newest = s.traffic.stats.newest().unwrap().millis();
    let t = &s.traffic;
    let time = |q: u64| t.record(q).unwrap().timestamp_ms();
    assert_eq!(
        time(t.selected_seq().unwrap()),
        newest,
        "following the newest"
    );
    update(&mut s, Action::ToggleFollow);
    update(&mut s, Action::Top);
    update(&mut s, Action::Down);
    let picked = s.traffic.selected_seq().unwrap();
    assert_eq!(s.traffic.selected_row(), Some(1));
    s.traffic.ingest(&batch(older));
    let t = &s.traffic;
    assert_eq!(
        t.selected_seq(),
        Some(picked),
        "the same record stays selected"
    );
    assert_eq!(
        t.selected_row(),
        Some(101),
        "below the 100 older records merged in"
    );
    let times = listed_times(&s);
    assert!(times.windows(2).all(|w| w[0] <= w[1]));
    update(&mut s, Action::Bottom);
    let t = &s.traffic;
    let time = |q: u64| t.record(q).unwrap().timestamp_ms();
    assert_eq!(
        time(t.selected_seq().unwrap()),
        newest,
        "following the newest again"
    );
}

/// A filter applied while batches come out of time order: the list is in time order and the
/// filtered charts count each listed record once (also those listed while they were counted).
#[test]
fn a_filtered_list_stays_in_time_order_and_its_charts_count_each_record_once() {
    let mut s = read_out_of_order(200);
    update(&mut s, Action::FilterOpen);
    typed(&mut s, "status>=400");
    update(&mut s, Action::Submit);
    // Counting the filtered charts a record at a time while a late batch comes.
    s.traffic.relist_stepping(1);
    assert!(s.traffic.charts_pending());
    let late = records(100, T0 - 50 * Timestamp::MINUTE);
    s.traffic.ingest(&batch(&late));
    while s.traffic.charts_pending() {
        s.traffic.charts_step(7);
    }
    let times = listed_times(&s);
    assert!(times.windows(2).all(|w| w[0] <= w[1]));
    let t = &s.traffic;
    assert!(!t.rows.is_empty());
    assert_eq!(
        t.filtered_stats.as_ref().unwrap().requests(),
        t.rows.len() as u64,
        "each listed record counted once"
    );
}

/// The chart's hour ends at the newest record; its minutes before the read started are marked
/// not read (unknown), not drawn as minutes of no traffic; the home glance's too.
#[test]
fn minutes_before_the_read_are_not_read_rather_than_zero() {
    // Records from 40 to 10 minutes back, read from an hour back: the chart's hour to the
    // newest record starts 10 minutes before the read.
    let mut s = traffic(300);
    let t = &s.traffic;
    let since = t.since.millis();
    assert_eq!(t.panel.series.len(), 60);
    for p in &t.panel.series {
        assert_eq!(
            p.read,
            p.start_ms + Timestamp::MINUTE > since,
            "{}",
            p.start_ms
        );
    }
    let unread = t.panel.series.iter().filter(|p| !p.read).count();
    assert!((9..=11).contains(&unread), "{unread}");
    update(&mut s, Action::Show(View::Environments));
    let g = s.envs[0].glance.clone().expect("dev's glance");
    assert_eq!(g.read_minutes(), 60 - unread);
    assert!(g.requests[..unread].iter().all(Option::is_none));
}

/// "last 1h" counts the same span, back from now, whether the tail read an hour or a day: after
/// 24 h and back, the hour lists what a fresh hour's read lists, and the charts count the same.
#[test]
fn a_look_back_is_the_same_span_from_now_whatever_was_read_before() {
    let mut s = traffic(300);
    let fresh = s.traffic.rows.len();
    // Records read from a longer look-back: 100 more from 70 to 61 minutes back.
    s.traffic.since = T0 - Timestamp::DAY;
    let older = support::logs::generated(9, 100, T0 - 70 * Timestamp::MINUTE, 9 * 60_000, 0.0);
    s.traffic.ingest(&batch(&older));
    update(&mut s, Action::CommandOpen);
    typed(&mut s, "range 1h");
    update(&mut s, Action::Submit);
    let t = &s.traffic;
    assert_eq!(t.records.len(), 400);
    assert_eq!(
        t.rows.len(),
        fresh,
        "the hour back from now, as a fresh read"
    );
    assert_eq!(t.list_from, (T0 - Timestamp::HOUR).millis());
    assert_eq!(t.panel.snapshot.as_ref().unwrap().requests, fresh as u64);
}
