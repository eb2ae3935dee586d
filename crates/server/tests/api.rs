//! The HTTP API against a small store built here: responses, escaping, limits, hostile inputs.

use model::{Article, ActorMention, Date, DatePrecision, Doc, Event, EventActor, Place, PlaceMention, Sentence, Span};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;

const HOSTILE: &str = "Arnor's King met Gondor's Steward in Minas Tirith on Monday. <script>alert(1)</script> \"><img src=x onerror=alert(2)>";

fn build_store() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("dateline-api-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("api.db");
    let _ = std::fs::remove_file(&path);
    let s = store::Store::open(&path).unwrap();
    s.begin().unwrap();
    for i in 0..30 {
        let text = if i == 0 { HOSTILE.to_string() } else { format!("Arnor's King met Gondor's Steward in Minas Tirith on Monday. Item {i}.") };
        let mut d = Doc::new(Article {
            id: format!("a{i}"),
            title: Some(if i == 0 { "<b>bold</b> title".into() } else { format!("Story {i}") }),
            published: Date::parse("2022-01-10").map(|d| d.add_days(i)),
            text,
            origin: "test".into(),
            num_articles: 1,
            num_sources: 1,
            ..Default::default()
        });
        d.sentences.push(Sentence { start: 0, end: 60, token_start: 0, token_end: 0 });
        d.actors.push(ActorMention { start: 0, end: 12, code: "ARNGOV".into(), entry: "t".into(), ..Default::default() });
        let place = Place { name: "Minas Tirith".into(), country: Some("GD".into()), lat: 45.0, lon: 10.0, feature: "city".into(), ..Default::default() };
        d.places.push(PlaceMention { start: 36, end: 48, place: place.clone() });
        d.events.push(Event {
            sentence: 0,
            evidence: Span::new(0, 60),
            predicate: Span::new(13, 16),
            source: Some(EventActor { code: "ARNGOV".into(), country: Some("ARN".into()), agent: Some("GOV".into()), name: None, start: 0, end: 12 }),
            target: Some(EventActor { code: if i % 3 == 0 { "GONGOV".into() } else { "GONMIL".into() }, country: Some("GON".into()), agent: Some("GOV".into()), name: None, start: 17, end: 32 }),
            code: if i % 2 == 0 { "040".into() } else { "190".into() },
            root: if i % 2 == 0 { "04".into() } else { "19".into() },
            quad_class: if i % 2 == 0 { 1 } else { 4 },
            goldstein: if i % 2 == 0 { 1.0 } else { -10.0 },
            date: d.article.published.map(|x| x.to_string().into()),
            date_precision: Some(DatePrecision::Day),
            place: Some(place),
            rule: "t".into(),
            ..Default::default()
        });
        s.insert_doc(&d).unwrap();
    }
    s.commit().unwrap();
    path
}

fn get(addr: std::net::SocketAddr, req: &str) -> (u16, String) {
    let mut s = TcpStream::connect(addr).unwrap();
    s.write_all(req.as_bytes()).unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).unwrap();
    let status = out.split_whitespace().nth(1).and_then(|x| x.parse().ok()).unwrap_or(0);
    let body = out.split_once("\r\n\r\n").map(|x| x.1.to_string()).unwrap_or_default();
    (status, body)
}

fn get_path(addr: std::net::SocketAddr, path: &str) -> (u16, String) {
    get(addr, &format!("GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"))
}

fn json(body: &str) -> serde_json::Value {
    serde_json::from_str(body).unwrap_or_else(|e| panic!("{e}: {body}"))
}

#[test]
fn api_serves_filters_and_refuses_abuse() {
    let db = build_store();
    let mut cfg = server::Config::new(db.clone());
    cfg.addr = "127.0.0.1:0".parse().unwrap();
    let srv = server::spawn(cfg).unwrap();
    let a = srv.addr;

    let (st, body) = get_path(a, "/api/stats");
    assert_eq!(st, 200);
    assert_eq!(json(&body)["events"], 30);
    let (_, body) = get_path(a, "/api/events?source=ARNGOV&from=2022-01-10&to=2022-01-19&limit=5");
    let v = json(&body);
    assert_eq!(v["events"].as_array().unwrap().len(), 5);
    assert_eq!(v["more"], true);
    assert_eq!(v["events"][0]["day"], "2022-01-19", "newest first");
    let ev = &v["events"][0]["evidence"];
    let kinds: Vec<&str> = ev.as_array().unwrap().iter().filter_map(|s| s["mark"].as_str()).collect();
    assert_eq!(kinds, ["source", "predicate", "target"]);
    // The page read in place equals the events read into owned values and rendered one by one.
    for q in ["", "actor=GONGOV", "actor=GON*&from=2022-01-12&to=2022-01-30", "target=GONMIL&limit=7&offset=3"] {
        let (_, body) = get_path(a, &format!("/api/events?{q}"));
        let got = json(&body)["events"].clone();
        let ro = store::Store::open_readonly(&db).unwrap();
        let mut f = store::Filter::default();
        let (mut limit, mut offset) = (50, 0);
        for (k, v) in q.split('&').filter(|x| !x.is_empty()).map(|kv| kv.split_once('=').unwrap()) {
            match k {
                "actor" => f.actor = Some(v.into()),
                "target" => f.target = Some(v.into()),
                "from" => f.from = Some(v.into()),
                "to" => f.to = Some(v.into()),
                "limit" => limit = v.parse().unwrap(),
                "offset" => offset = v.parse().unwrap(),
                _ => unreachable!(),
            }
        }
        let want: Vec<serde_json::Value> = ro.events(&f, limit, offset).unwrap().iter().map(server::api::event_json).collect();
        assert!(!want.is_empty(), "{q}");
        assert_eq!(got, serde_json::Value::Array(want), "{q}");
    }
    let (_, body) = get_path(a, "/api/events?quad=4&limit=100");
    assert_eq!(json(&body)["events"].as_array().unwrap().len(), 15);
    let (_, body) = get_path(a, "/api/events?dyad=ARNGOV,GONGOV");
    assert_eq!(json(&body)["events"].as_array().unwrap().len(), 10);
    let (_, body) = get_path(a, "/api/series?by=day");
    assert_eq!(json(&body)["series"].as_array().unwrap().len(), 30);
    let (_, body) = get_path(a, "/api/dyads");
    assert_eq!(json(&body)["dyads"][0]["count"], 20);
    let (_, body) = get_path(a, "/api/counts?by=root");
    assert_eq!(json(&body)["counts"].as_array().unwrap().len(), 2);
    let (_, body) = get_path(a, "/api/places");
    assert_eq!(json(&body)["places"][0]["count"], 30);
    let (_, body) = get_path(a, "/api/actors?prefix=GON");
    assert_eq!(json(&body)["actors"].as_array().unwrap().len(), 2);
    let (st, body) = get_path(a, "/openapi.json");
    assert_eq!(st, 200);
    assert!(json(&body)["paths"]["/api/events"].is_object());

    // The hostile article comes back as JSON strings (the page inserts them as text).
    let (st, body) = get_path(a, "/api/articles/a0");
    assert_eq!(st, 200);
    let v = json(&body);
    let text: String = v["segments"].as_array().unwrap().iter().map(|s| s["text"].as_str().unwrap()).collect();
    assert_eq!(text, HOSTILE);
    assert_eq!(v["title"], "<b>bold</b> title");
    // The page itself is static and contains no article data.
    let (st, page) = get_path(a, "/");
    assert_eq!(st, 200);
    assert!(page.contains("<script src=\"/app.js\">") && !page.contains("onerror"));

    // Hostile and invalid inputs.
    for p in [
        "/api/events?actor=%27%20OR%201%3D1%20--",
        "/api/events?code=04%27%3B%20DROP%20TABLE%20events%3B--",
        "/api/events?q=%22%29%20OR%201%20--",
        "/api/events?q=NEAR%28a%20b%29",
        "/api/events?place=%25",
        "/api/events?article=%27%20OR%20%27%27%3D%27",
    ] {
        let (st, body) = get_path(a, p);
        assert_eq!(st, 200, "{p}: {body}");
        assert_eq!(json(&body)["events"].as_array().unwrap().len(), 0, "{p}");
    }
    for p in ["/api/events?from=2022-01-01%27--", "/api/events?quad=9", "/api/events?gmin=abc", "/api/events?near=1,2", "/api/events?offset=100000000", "/api/events?bogus=1", "/api/events/abc"] {
        let (st, body) = get_path(a, p);
        assert_eq!(st, 400, "{p}: {body}");
        assert!(json(&body)["error"].is_string());
    }
    let (st, body) = get_path(a, "/api/events?limit=999999");
    assert_eq!(st, 200);
    assert_eq!(json(&body)["limit"], store::query::MAX_LIMIT);
    let (st, _) = get_path(a, &format!("/api/events?q={}", "a".repeat(3000)));
    assert_eq!(st, 414);
    let (st, _) = get(a, "POST /api/events HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello");
    assert_eq!(st, 405);
    let (st, _) = get_path(a, "/api/articles/nope");
    assert_eq!(st, 404);
    // Still intact.
    let (_, body) = get_path(a, "/api/stats");
    assert_eq!(json(&body)["events"], 30);

    // A short bounded load run.
    let r = server::loadgen::run(a, &["/api/events?source=ARNGOV&limit=20".to_string()], 8, std::time::Duration::from_millis(500), 200).unwrap();
    assert!(r.requests > 0 && r.errors == 0, "{r:?}");
    srv.stop();
    std::fs::remove_dir_all(db.parent().unwrap()).ok();
}
