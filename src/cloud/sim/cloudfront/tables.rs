//! Fixed tables the log generator draws from: edge locations, user agents, paths, referers.

/// Edge locations with a weight (European traffic dominates, then the US).
pub const EDGES: &[(&str, u32)] = &[
    ("FRA56-P1", 18),
    ("FRA60-P3", 10),
    ("AMS58-P4", 9),
    ("LHR61-P5", 9),
    ("CDG52-P2", 7),
    ("ARN54-C1", 3),
    ("WAW51-P2", 3),
    ("IAD89-C2", 10),
    ("JFK50-P1", 6),
    ("DFW57-P3", 4),
    ("SEA19-C3", 3),
    ("GRU3-P1", 2),
    ("NRT57-P2", 2),
    ("SIN2-P5", 2),
];

/// Browser user agents.
pub const BROWSERS: &[&str] = &[
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0",
    "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.6778.81 Mobile Safari/537.36",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0",
];

/// Crawler user agents.
pub const BOTS: &[&str] = &[
    "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
    "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
    "Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)",
];

/// Tools and monitors.
pub const TOOLS: &[&str] = &[
    "curl/8.5.0",
    "python-requests/2.32.3",
    "Amazon-Route53-Health-Check-Service (ref 5b2f0c1e-7a3d-4c55-9a61-0d3e2c8b9f10; report http://amzn.to/1vsZADi)",
    "Go-http-client/2.0",
];

/// Vulnerability-scanner user agents.
pub const SCANNERS: &[&str] = &[
    "Mozilla/5.0 zgrab/0.x",
    "Mozilla/5.0 (l9explore/1.2.2)",
    "python-httpx/0.27.0",
];

/// Paths probed by scanners.
pub const SCAN_PATHS: &[&str] = &[
    "/wp-login.php",
    "/xmlrpc.php",
    "/wp-admin/setup-config.php",
    "/.env",
    "/.git/config",
    "/phpmyadmin/index.php",
    "/vendor/phpunit/phpunit/src/Util/PHP/eval-stdin.php",
    "/cgi-bin/luci/;stok=/locale",
];

/// Product slugs for pages, images and API calls.
pub const PRODUCTS: &[&str] = &[
    "linen-shirt",
    "wool-scarf",
    "trail-runner-2",
    "canvas-tote",
    "merino-socks",
    "rain-jacket",
    "city-backpack",
    "leather-belt",
    "chelsea-boots",
    "denim-jacket",
];

/// Search terms (with spaces and the odd character that needs encoding).
pub const SEARCHES: &[&str] = &[
    "red shoes",
    "scarf",
    "rain jacket",
    "socks 3-pack",
    "gift card",
    "bags & totes",
];

/// External referers.
pub const REFERERS: &[&str] = &[
    "https://www.google.com/",
    "https://www.bing.com/",
    "https://duckduckgo.com/",
    "https://t.co/",
    "https://www.instagram.com/",
];

/// The country of each edge location's airport code (the first three letters).
pub const EDGE_COUNTRIES: &[(&str, &str)] = &[
    ("FRA", "DE"),
    ("AMS", "NL"),
    ("LHR", "GB"),
    ("CDG", "FR"),
    ("ARN", "SE"),
    ("WAW", "PL"),
    ("IAD", "US"),
    ("JFK", "US"),
    ("DFW", "US"),
    ("SEA", "US"),
    ("GRU", "BR"),
    ("NRT", "JP"),
    ("SIN", "SG"),
];

/// Autonomous systems viewers come from (cloud providers, carriers).
pub const ASNS: &[&str] = &[
    "3320", "16509", "7922", "3215", "15169", "2856", "8075", "6805", "13335", "4134",
];

/// The distribution's cache behaviors, most specific first (`*` is the default behavior).
pub const BEHAVIORS: &[&str] = &["/api/*", "/assets/*", "*.mp4", "*"];
