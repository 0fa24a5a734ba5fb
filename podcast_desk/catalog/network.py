"""HTTP, downloads (yt-dlp), feeds and publisher transcripts."""

from __future__ import annotations

from podcast_desk.catalog.types import Template

_RETRY = "We will try again."
_RETRY_LATER = "We will try again later."

MESSAGES: dict[str, Template] = {
    # ---- HTTP
    "http.not_found": "The server said the {what:message} does not exist (HTTP {status}).",
    "hint.check_link": "Check the link.",
    "http.forbidden": "The server refused access to the {what:message} (HTTP {status}).",
    "hint.forbidden": "It may be private, members-only or blocked in your region.",
    "http.rate_limited": "The server is rate-limiting us (HTTP 429).",
    "hint.retry_later": _RETRY_LATER,
    "http.server_error": "The server had a problem (HTTP {status}).",
    "http.refused": "The server refused the request (HTTP {status}).",
    "http.redirect_loop": "The link keeps redirecting and never reaches the {what:message}.",
    "hint.redirect_loop": "Open it in a browser and copy the final address.",
    "http.timeout": "The server did not answer in time.",
    "hint.retry": _RETRY,
    "http.too_slow": (
        "The server sent the {what:message} too slowly (under {rate:size} per second for "
        "{seconds:duration})."),
    "http.deadline": "Fetching the {what:message} took longer than {seconds:duration}.",
    "http.connection": "Could not connect to the server, or the connection dropped.",
    "hint.connection": "Check your internet connection; we will try again.",
    "http.invalid_link": "That link is not a valid web address.",
    "http.invalid_feed_link": "That feed link is not a valid web address.",
    "http.scheme": (
        "The {what:message} link leads to a “{scheme}:” address, which is not a web address."),
    "hint.scheme_link": "Only http and https links can be downloaded; check the link.",
    "http.encoding": (
        "The server sent the {what:message} compressed as “{encoding}”, which was not asked for."),
    "http.too_big": "The {what:message} is larger than {limit:size}.",
    "what.episode": "episode",
    "what.feed": "feed",
    "what.page": "page",
    "what.transcript": "transcript",
    "what.cover": "cover image",
    # ---- downloads (yt-dlp)
    "download.ffmpeg_only": (
        "This stream can only be saved with ffmpeg, which Podcast Desk does not use."),
    "hint.try_page_or_feed": "Try the episode's page or its RSS feed instead.",
    "download.no_file": "The download ended without a file.",
    "download.too_long": (
        "The episode is {duration:clock} long, more than the {limit:clock} limit set in "
        "Settings."),
    "hint.raise_limit": "Raise the limit in Settings to process it.",
    "download.too_large": "The audio is larger than the {limit:size} limit set in Settings.",
    "download.playlist": "That link is a list of episodes, not a single episode.",
    "hint.playlist": "Open one episode and use its link, or add the show's feed.",
    "download.geo": "The site does not offer this episode in your country.",
    "hint.geo": "There is nothing we can do from here.",
    "download.empty_body": "The server sent an empty file instead of the episode's audio.",
    "hint.removed": "Check the link; the episode may have been removed.",
    "download.refused": "The site refused to give us this episode.",
    "download.refused_because": "The site refused to give us this episode: {reason}.",
    "hint.check_in_browser": "Check the link in a browser.",
    "download.unknown": "The download failed for a reason we did not recognise.",
    "hint.unknown": "We will try again; the task log has the details.",
    "download.no_media": "That page has no audio or video we can download.",
    "hint.single_episode": "Check that the link opens a single episode.",
    "download.unsafe_extension": (
        "The server offers the audio as a “.{ext}” file, which is not a known audio or video "
        "type."),
    "download.login": "The site wants you to sign in before it gives out this episode.",
    "hint.cookies": (
        "Sign in with your browser, export its cookies to a file and choose it in Settings → "
        "Downloads, or try a different link."),
    "download.js_runtime": (
        "The site needs a JavaScript runtime to hand out this episode's audio."),
    "hint.update_site_support": (
        "Use Help → Update site support, or try again later; the site changes often."),
    "download.http_412": "The site refused the request as automated traffic (HTTP 412).",
    "hint.http_412": "Wait a few minutes and retry, or sign in with a cookies file (Settings).",
    "download.extractor_broken": "The site changed and its page could no longer be read.",
    "download.stopped": "The download was stopped; the partial file is kept.",
    # ---- feeds
    "feed.is_page": "That link opens a web page, not a podcast feed.",
    "hint.feed_is_page": "Use the page link itself, or look for the show's RSS link.",
    "feed.invalid": "This feed could not be read: it is not valid RSS or Atom.",
    "hint.right_feed": "Check that the link is the show's RSS feed.",
    "feed.too_big": "The feed is larger than {limit:size}, too big to be a podcast feed.",
    "feed.no_episodes": "This feed has no episodes with audio.",
    "hint.right_show": "Check that it is the right show's feed.",
    "feed.episode_gone": "This episode is no longer in the show's feed.",
    "hint.episode_gone": "The publisher may have removed it.",
    "feed.no_answer": "The server answered without a feed.",
    "feed.not_web_address": "“{url}” is not a web address (http:// or https://).",
    "feed.not_a_feed": "That link is not a podcast feed.",
    "feed.check_failed": "Checking the feed failed unexpectedly ({what}).",
    # ---- publisher transcripts
    "transcript.none_timed": "The feed offers no transcript with timings (SRT, VTT or JSON).",
    "transcript.unusable": "The publisher's transcript could not be used.",
    "hint.transcribed_instead": "The audio is transcribed instead.",
    "transcript.too_large": "The transcript is too large.",
    "transcript.invalid_link": "The transcript link is not a valid web address.",
}
