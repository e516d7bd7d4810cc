"""The social platforms Spoke knows from the start, and how to recognise their public URLs.

Each pattern is matched in full against ``host/path`` of an https URL (no scheme, no query,
no trailing slash), ignoring case. Used by the data migration that seeds the platforms and
by ``seed_demo``; editors can change them afterwards in the Wagtail admin.
"""

HANDLE = r"[A-Za-z0-9_.\-]+"

PLATFORMS = [
    {
        "name": "LinkedIn",
        "slug": "linkedin",
        "home_url": "https://www.linkedin.com/",
        "post_patterns": [
            r"(www\.)?linkedin\.com/posts/[^/]+",
            r"(www\.)?linkedin\.com/feed/update/urn:li:(activity|share|ugcPost):\d+",
            r"(www\.)?linkedin\.com/pulse/[^/]+",
        ],
        "profile_patterns": [r"(www\.)?linkedin\.com/(in|company)/[^/]+"],
        "example_post_url": "https://www.linkedin.com/posts/jordan-reyes_what-our-support-team-learned-activity-7260000000000000000-ab12",
        "example_profile_url": "https://www.linkedin.com/in/jordan-reyes",
    },
    {
        "name": "X",
        "slug": "x",
        "home_url": "https://x.com/",
        "post_patterns": [r"(www\.|mobile\.)?(x|twitter)\.com/[A-Za-z0-9_]{1,15}/status/\d+"],
        "profile_patterns": [r"(www\.|mobile\.)?(x|twitter)\.com/[A-Za-z0-9_]{1,15}"],
        "example_post_url": "https://x.com/kestrel_help/status/1850000000000000000",
        "example_profile_url": "https://x.com/kestrel_help",
    },
    {
        "name": "Facebook",
        "slug": "facebook",
        "home_url": "https://www.facebook.com/",
        "post_patterns": [
            rf"(www\.|m\.)?facebook\.com/{HANDLE}/(posts|videos)/[^/]+",
            r"(www\.|m\.)?facebook\.com/(permalink|story)\.php",
            r"(www\.|m\.)?facebook\.com/share/(p|v|r)/[^/]+",
        ],
        "profile_patterns": [
            r"(www\.|m\.)?facebook\.com/profile\.php",
            rf"(www\.|m\.)?facebook\.com/(?!share$|permalink\.php$|story\.php$){HANDLE}",
        ],
        "example_post_url": "https://www.facebook.com/kestrelrail/posts/pfbid02abc",
        "example_profile_url": "https://www.facebook.com/kestrelrail",
    },
    {
        "name": "Instagram",
        "slug": "instagram",
        "home_url": "https://www.instagram.com/",
        "post_patterns": [r"(www\.)?instagram\.com/(p|reel|tv)/[A-Za-z0-9_\-]+"],
        "profile_patterns": [r"(www\.)?instagram\.com/(?!p$|reel$|tv$)[A-Za-z0-9_.]+"],
        "example_post_url": "https://www.instagram.com/p/C8abcDEFghi",
        "example_profile_url": "https://www.instagram.com/kestrelrail",
    },
    {
        "name": "Threads",
        "slug": "threads",
        "home_url": "https://www.threads.net/",
        "post_patterns": [r"(www\.)?threads\.(net|com)/@[A-Za-z0-9_.]+/post/[A-Za-z0-9_\-]+"],
        "profile_patterns": [r"(www\.)?threads\.(net|com)/@[A-Za-z0-9_.]+"],
        "example_post_url": "https://www.threads.net/@kestrelrail/post/C9xyz123abc",
        "example_profile_url": "https://www.threads.net/@kestrelrail",
    },
    {
        "name": "Bluesky",
        "slug": "bluesky",
        "home_url": "https://bsky.app/",
        "post_patterns": [r"bsky\.app/profile/[^/]+/post/[a-z0-9]+"],
        "profile_patterns": [r"bsky\.app/profile/[^/]+"],
        "example_post_url": "https://bsky.app/profile/kestrelrail.example/post/3kabcdefghi2x",
        "example_profile_url": "https://bsky.app/profile/kestrelrail.example",
    },
    {
        "name": "Mastodon",
        "slug": "mastodon",
        "home_url": "https://joinmastodon.org/",
        "post_patterns": [r"[a-z0-9\-]+(\.[a-z0-9\-]+)+/@[A-Za-z0-9_]+(@[a-z0-9.\-]+)?/\d+"],
        "profile_patterns": [r"[a-z0-9\-]+(\.[a-z0-9\-]+)+/@[A-Za-z0-9_]+(@[a-z0-9.\-]+)?"],
        "example_post_url": "https://mastodon.social/@kestrelrail/113000000000000000",
        "example_profile_url": "https://mastodon.social/@kestrelrail",
    },
    {
        "name": "YouTube",
        "slug": "youtube",
        "home_url": "https://www.youtube.com/",
        "post_patterns": [
            r"(www\.|m\.)?youtube\.com/watch",
            r"(www\.|m\.)?youtube\.com/(shorts|live|post)/[A-Za-z0-9_\-]+",
            r"youtu\.be/[A-Za-z0-9_\-]+",
        ],
        "profile_patterns": [
            r"(www\.|m\.)?youtube\.com/@[A-Za-z0-9_.\-]+",
            r"(www\.|m\.)?youtube\.com/(channel|c|user)/[A-Za-z0-9_\-]+",
        ],
        "example_post_url": "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
        "example_profile_url": "https://www.youtube.com/@kestrelrail",
    },
    {
        "name": "TikTok",
        "slug": "tiktok",
        "home_url": "https://www.tiktok.com/",
        "post_patterns": [
            r"(www\.)?tiktok\.com/@[A-Za-z0-9_.]+/(video|photo)/\d+",
            r"(vm|vt)\.tiktok\.com/[A-Za-z0-9]+",
        ],
        "profile_patterns": [r"(www\.)?tiktok\.com/@[A-Za-z0-9_.]+"],
        "example_post_url": "https://www.tiktok.com/@kestrelrail/video/7400000000000000000",
        "example_profile_url": "https://www.tiktok.com/@kestrelrail",
    },
]

# How each platform shares a page, where it has a share address ({url}: the page, {text}: a
# short text, both URL-encoded when filled in). Kept apart from PLATFORMS because the
# migration that first seeded the platforms ran before the field existed.
SHARE_URLS = {
    "linkedin": "https://www.linkedin.com/sharing/share-offsite/?url={url}",
    "x": "https://x.com/intent/post?text={text}&url={url}",
    "facebook": "https://www.facebook.com/sharer/sharer.php?u={url}",
    "threads": "https://www.threads.net/intent/post?text={text}%20{url}",
    "bluesky": "https://bsky.app/intent/compose?text={text}%20{url}",
}
