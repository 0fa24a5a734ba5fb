"""The engine's message templates for lupdate (made by scripts/gen_message_catalog.py).

Never imported by the app: it exists so that lupdate finds every template of
``podcast_desk.messages.CATALOG`` in context ``Messages`` (plurals with ``%n``), and the
translators' .ts files hold them. ``gui/messages.py`` translates the same strings at run
time. Do not edit by hand; a test keeps it in step with the catalog.
"""

# ruff: noqa: E501

from __future__ import annotations

from PySide6.QtCore import QObject


class Messages(QObject):
    """Context ``Messages`` of the .ts files."""

    def _catalog(self, n: int) -> None:  # pragma: no cover - read by lupdate, never run
        self.tr('{text}')  # text.plain
        self.tr('Queued.')  # queue.queued
        self.tr('Started by {owner} (attempt {attempt}).')  # queue.started
        self.tr('Resumed by {owner} after the previous worker stopped.')  # queue.resumed
        self.tr('Completed.')  # queue.completed
        self.tr('Cancelled.')  # queue.cancelled
        self.tr('Cancelled while running.')  # queue.cancelled_running
        self.tr('Cancel requested; stopping at the next check.')  # queue.cancel_requested
        self.tr('Retry requested; queued again.')  # queue.retry_requested
        self.tr('Priority set to {priority}.')  # queue.priority
        self.tr('Stage: {stage:message}.')  # queue.stage
        self.tr('Retrying in {seconds:duration} (failure {failures} of {max}).')  # queue.retrying
        self.tr('(Gave up after %n attempt(s).)', "", n)  # queue.gave_up
        self.tr('Paused; it resumes from where it stopped.')  # queue.paused
        self.tr('The worker stopped.')  # queue.worker_stopped
        self.tr('The worker was interrupted.')  # queue.worker_interrupted
        self.tr('The disk is full.')  # queue.disk_full_released
        self.tr('Processing stopped unexpectedly too many times on this task.')  # queue.too_many_crashes
        self.tr('Retry it, and if it keeps happening, report the task log.')  # hint.too_many_crashes
        self.tr('This worker lost its lease; another worker continues.')  # queue.lease_lost
        self.tr('Finished, but another worker holds this task now.')  # queue.handed_over
        self.tr('Paused: the disk is full ({free:size} free). Free some space; work resumes by itself.')  # queue.paused_disk_full
        self.tr('Could not read the settings file ({reason}); using defaults.')  # settings.unreadable
        self.tr('The settings file {path} is damaged ({reason}); using defaults. Saving settings will replace it.')  # settings.damaged
        self.tr('Could not open the data folder: {reason}')  # data.unopenable
        self.tr('%n second(s)', "", n)  # unit.seconds
        self.tr('%n minute(s)', "", n)  # unit.minutes
        self.tr('%n hour(s)', "", n)  # unit.hours
        self.tr('unknown')  # language.unknown
        self.tr('starting')  # stage.starting
        self.tr('resolve')  # stage.resolve
        self.tr('download')  # stage.download
        self.tr('transcribe')  # stage.transcribe
        self.tr('summarize')  # stage.summarize
        self.tr('{message} {hint}')  # outcome.failed
        self.tr('Episode ready.')  # outcome.completed
        self.tr('It failed this time; it will be tried again.')  # outcome.retry
        self.tr('Paused; it will resume.')  # outcome.paused
        self.tr('Cancelled.')  # outcome.cancelled
        self.tr('Another worker continues this task.')  # outcome.lease_lost
        self.tr('This app cannot process tasks of type “{type}”.')  # error.unknown_task_type
        self.tr('Something unexpected went wrong ({what}).')  # error.unexpected
        self.tr('It will be tried again; if it keeps failing, the task log has details.')  # hint.unexpected
        self.tr('The database is busy: another program has held it for more than {seconds} seconds.')  # error.database_busy
        self.tr('Try again in a moment; nothing was changed.')  # hint.database_busy
        self.tr('The disk is full.')  # error.disk_full
        self.tr('Free some space; work resumes by itself.')  # hint.disk_full
        self.tr('Nothing to add: the link is empty.')  # source.empty
        self.tr('Paste a link to an episode, a podcast feed or an audio file, or pick a file.')  # hint.source_empty
        self.tr('That link is too long to be a real address (more than 8 KB).')  # source.too_long
        self.tr("Copy the link again from the browser's address bar.")  # hint.copy_again
        self.tr('That link contains invisible control characters.')  # source.control_chars
        self.tr('Links starting with “{scheme}:” are not supported.')  # source.scheme
        self.tr('Use a web link (https://…) or a file on this computer.')  # hint.scheme
        self.tr('That link contains spaces, so it is not a valid web address.')  # source.spaces
        self.tr('Copy the link again; if it is a file name, check that the file exists.')  # hint.spaces
        self.tr('“{text}” is neither a web link nor a file on this computer.')  # source.not_text_link
        self.tr('Paste a link starting with https://, or use File → Add files… to pick a file.')  # hint.not_text_link
        self.tr('That link is not a valid web address.')  # source.invalid
        self.tr('That link has no server name.')  # source.no_host
        self.tr('A web link looks like https://example.com/episode.')  # hint.no_host
        self.tr('“{host}” is not a valid server name.')  # source.bad_host
        self.tr('Check the link for typing mistakes.')  # hint.check_typing
        self.tr('File links to another computer (“{host}”) are not supported.')  # source.remote_file
        self.tr('Copy the file to this computer first.')  # hint.remote_file
        self.tr('That file link names no file.')  # source.file_link_empty
        self.tr('Pick the file instead.')  # hint.pick_file
        self.tr('There is no file at {path}.')  # source.no_file
        self.tr('Check the path, or paste a full web address starting with https://.')  # hint.no_file
        self.tr('The file at {path} cannot be opened ({reason}).')  # source.file_unopenable
        self.tr("Check the path and the file's permissions.")  # hint.file_permissions
        self.tr('{path} is a folder, not a file.')  # source.folder
        self.tr('Pick an audio or video file inside it.')  # hint.pick_inside
        self.tr('{path} is not a regular file.')  # source.not_regular
        self.tr('Pick an audio or video file.')  # hint.pick_audio
        self.tr('The file at {path} cannot be read.')  # source.unreadable
        self.tr("Check the file's permissions.")  # hint.permissions
        self.tr('The server said the {what:message} does not exist (HTTP {status}).')  # http.not_found
        self.tr('Check the link.')  # hint.check_link
        self.tr('The server refused access to the {what:message} (HTTP {status}).')  # http.forbidden
        self.tr('It may be private, members-only or blocked in your region.')  # hint.forbidden
        self.tr('The server is rate-limiting us (HTTP 429).')  # http.rate_limited
        self.tr('We will try again later.')  # hint.retry_later
        self.tr('The server had a problem (HTTP {status}).')  # http.server_error
        self.tr('The server refused the request (HTTP {status}).')  # http.refused
        self.tr('The link keeps redirecting and never reaches the {what:message}.')  # http.redirect_loop
        self.tr('Open it in a browser and copy the final address.')  # hint.redirect_loop
        self.tr('The server did not answer in time.')  # http.timeout
        self.tr('We will try again.')  # hint.retry
        self.tr('The server sent the {what:message} too slowly (under {rate:size} per second for {seconds:duration}).')  # http.too_slow
        self.tr('Fetching the {what:message} took longer than {seconds:duration}.')  # http.deadline
        self.tr('Could not connect to the server, or the connection dropped.')  # http.connection
        self.tr('Check your internet connection; we will try again.')  # hint.connection
        self.tr('That link is not a valid web address.')  # http.invalid_link
        self.tr('That feed link is not a valid web address.')  # http.invalid_feed_link
        self.tr('The {what:message} link leads to a “{scheme}:” address, which is not a web address.')  # http.scheme
        self.tr('Only http and https links can be downloaded; check the link.')  # hint.scheme_link
        self.tr('The server sent the {what:message} compressed as “{encoding}”, which was not asked for.')  # http.encoding
        self.tr('The {what:message} is larger than {limit:size}.')  # http.too_big
        self.tr('episode')  # what.episode
        self.tr('feed')  # what.feed
        self.tr('page')  # what.page
        self.tr('transcript')  # what.transcript
        self.tr('cover image')  # what.cover
        self.tr('This stream can only be saved with ffmpeg, which Podcast Desk does not use.')  # download.ffmpeg_only
        self.tr("Try the episode's page or its RSS feed instead.")  # hint.try_page_or_feed
        self.tr('The download ended without a file.')  # download.no_file
        self.tr('The episode is {duration:clock} long, more than the {limit:clock} limit set in Settings.')  # download.too_long
        self.tr('Raise the limit in Settings to process it.')  # hint.raise_limit
        self.tr('The audio is larger than the {limit:size} limit set in Settings.')  # download.too_large
        self.tr('That link is a list of episodes, not a single episode.')  # download.playlist
        self.tr("Open one episode and use its link, or add the show's feed.")  # hint.playlist
        self.tr('The site does not offer this episode in your country.')  # download.geo
        self.tr('There is nothing we can do from here.')  # hint.geo
        self.tr("The server sent an empty file instead of the episode's audio.")  # download.empty_body
        self.tr('Check the link; the episode may have been removed.')  # hint.removed
        self.tr('The site refused to give us this episode.')  # download.refused
        self.tr('The site refused to give us this episode: {reason}.')  # download.refused_because
        self.tr('Check the link in a browser.')  # hint.check_in_browser
        self.tr('The download failed for a reason we did not recognise.')  # download.unknown
        self.tr('We will try again; the task log has the details.')  # hint.unknown
        self.tr('That page has no audio or video we can download.')  # download.no_media
        self.tr('Check that the link opens a single episode.')  # hint.single_episode
        self.tr('The server offers the audio as a “.{ext}” file, which is not a known audio or video type.')  # download.unsafe_extension
        self.tr('The site wants you to sign in before it gives out this episode.')  # download.login
        self.tr('Sign in with your browser, export its cookies to a file and choose it in Settings → Downloads, or try a different link.')  # hint.cookies
        self.tr("The site needs a JavaScript runtime to hand out this episode's audio.")  # download.js_runtime
        self.tr('Use Help → Update site support, or try again later; the site changes often.')  # hint.update_site_support
        self.tr('The site refused the request as automated traffic (HTTP 412).')  # download.http_412
        self.tr('Wait a few minutes and retry, or sign in with a cookies file (Settings).')  # hint.http_412
        self.tr('The site changed and its page could no longer be read.')  # download.extractor_broken
        self.tr('The download was stopped; the partial file is kept.')  # download.stopped
        self.tr('That link opens a web page, not a podcast feed.')  # feed.is_page
        self.tr("Use the page link itself, or look for the show's RSS link.")  # hint.feed_is_page
        self.tr('This feed could not be read: it is not valid RSS or Atom.')  # feed.invalid
        self.tr("Check that the link is the show's RSS feed.")  # hint.right_feed
        self.tr('The feed is larger than {limit:size}, too big to be a podcast feed.')  # feed.too_big
        self.tr('This feed has no episodes with audio.')  # feed.no_episodes
        self.tr("Check that it is the right show's feed.")  # hint.right_show
        self.tr("This episode is no longer in the show's feed.")  # feed.episode_gone
        self.tr('The publisher may have removed it.')  # hint.episode_gone
        self.tr('The server answered without a feed.')  # feed.no_answer
        self.tr('“{url}” is not a web address (http:// or https://).')  # feed.not_web_address
        self.tr('That link is not a podcast feed.')  # feed.not_a_feed
        self.tr('Checking the feed failed unexpectedly ({what}).')  # feed.check_failed
        self.tr('The feed offers no transcript with timings (SRT, VTT or JSON).')  # transcript.none_timed
        self.tr("The publisher's transcript could not be used.")  # transcript.unusable
        self.tr('The audio is transcribed instead.')  # hint.transcribed_instead
        self.tr('The transcript is too large.')  # transcript.too_large
        self.tr('The transcript link is not a valid web address.')  # transcript.invalid_link
        self.tr('The downloaded file is empty: {name}.')  # audio.empty_download
        self.tr('The file {name} is empty.')  # audio.empty_file
        self.tr('Check the link, or remove the episode and add it again to download a new copy.')  # hint.redownload
        self.tr("The link may point to a web page rather than the episode's audio. Check the link, or remove the episode and add it again to download a new copy.")  # hint.web_page_redownload
        self.tr('This file is not audio or video we can read: {name}.')  # audio.not_media
        self.tr('Choose an audio or video file (MP3, M4A, WAV, FLAC, OGG, MP4…).')  # hint.pick_media
        self.tr('The audio file {name} cannot be opened.')  # audio.unopenable
        self.tr('Check that the file is readable.')  # hint.readable
        self.tr('The audio file {name} is missing.')  # audio.missing
        self.tr('This file has no sound track: {name}.')  # audio.no_sound
        self.tr('Choose an episode with audio, or a different link.')  # hint.no_sound
        self.tr('The audio in {name} is damaged and cannot be decoded.')  # audio.damaged
        self.tr('The audio file {name} is incomplete or damaged: it should last {duration:clock} but its end cannot be read.')  # audio.truncated
        self.tr('The file {name} claims to last {duration:clock}, but that is not what it holds.')  # audio.claims_too_long
        self.tr('The file {path} is no longer there.')  # audio.file_gone
        self.tr('Move it back, or add the file again from its new place.')  # hint.file_gone
        self.tr('The local file of this episode is gone.')  # audio.local_gone
        self.tr('Add the file again.')  # hint.add_again
        self.tr('The file {name} is not audio or video that can be read.')  # audio.file_not_media
        self.tr('The file {name} cannot be read any more ({reason}).')  # audio.file_unreadable
        self.tr('The bundled speech model is missing from this installation.')  # model.bundled_missing
        self.tr('Reinstall Podcast Desk, or choose another model in Settings.')  # hint.reinstall
        self.tr('The speech model folder {path} does not exist.')  # model.folder_missing
        self.tr('Choose another model folder, or the bundled model, in Settings.')  # hint.choose_model_folder
        self.tr('The speech model folder {path} does not hold a Whisper model for faster-whisper.')  # model.folder_not_model
        self.tr('The speech model folder {path} is incomplete: its tokenizer.json is missing.')  # model.folder_incomplete
        self.tr('There is no speech model called “{name}”.')  # model.unknown
        self.tr('Choose one of the listed models, or the bundled model, in Settings.')  # hint.choose_listed_model
        self.tr('The speech model “{name}” is not on this computer and could not be downloaded.')  # model.not_downloadable
        self.tr('Connect to the internet once, or choose the bundled model in Settings.')  # hint.connect_once
        self.tr('The speech model cannot run with device “{device}” and compute type “{compute}” on this computer.')  # model.device
        self.tr('Choose device “cpu” and compute type “int8” in Settings.')  # hint.device
        self.tr('The speech model {name} is damaged and cannot be loaded.')  # model.damaged
        self.tr('The bundled speech model is damaged and cannot be loaded.')  # model.bundled_damaged
        self.tr('Choose another model in Settings, or download it again.')  # hint.model_damaged
        self.tr('The speech model cannot be unpacked into the folder {path}.')  # model.cache_unwritable
        self.tr("Check that folder's permissions, or set {cache} to another folder.")  # hint.model_cache
        self.tr('Point {env} at a folder with model.bin, config.json and tokenizer.json, or unset it.')  # hint.model_env
        self.tr('The speech is in {language:language}, but the chosen speech model only understands English.')  # model.english_only_heard
        self.tr("Choose “Automatic” or a multilingual model in Settings, or set the episode's language, then retry.")  # hint.english_only
        self.tr('Starting')  # progress.starting
        self.tr('Looking at the link')  # progress.looking
        self.tr('Found the episode')  # progress.resolved
        self.tr('Downloading')  # progress.downloading
        self.tr('Downloading {done:size}')  # progress.downloading_bytes
        self.tr('Downloading {done:size} of {total:size}')  # progress.downloading_of
        self.tr('Downloaded')  # progress.downloaded
        self.tr('Loading the speech model')  # progress.loading_model
        self.tr('Listening for the language')  # progress.detecting_language
        self.tr('Transcribing {done:clock} / {total:clock}')  # progress.transcribing
        self.tr('Transcribing {done:clock}')  # progress.transcribing_at
        self.tr("Fetching the publisher's transcript")  # progress.publisher_transcript
        self.tr("Publisher's transcript")  # progress.publisher_transcript_done
        self.tr('Summarizing')  # progress.summarizing
        self.tr('Summarizing part {part} of {parts}')  # progress.summarizing_part
        self.tr("Merging the parts' summaries")  # progress.summarizing_merge
        self.tr('Summarized')  # progress.summarized
        self.tr('Resuming the transcript from {at:clock}.')  # log.resuming_transcript
        self.tr('The link is a {kind}: {url}')  # log.link_kind
        self.tr('The link is a podcast feed: {url}')  # log.link_kind_feed
        self.tr('The link is an audio or video file: {url}')  # log.link_kind_media
        self.tr('The link is a web page: {url}')  # log.link_kind_page
        self.tr('The link is a {site} page: {url}')  # log.link_kind_site
        self.tr('Queued %n more episode(s) of this feed.', "", n)  # log.queued_more
        self.tr('Downloaded {bytes:size} ({container}/{codec}).')  # log.downloaded
        self.tr('{reason} Transcribing the audio instead.')  # log.publisher_failed
        self.tr("Used the publisher's {kind} transcript (%n segment(s)) instead of transcribing.", "", n)  # log.publisher_used
        self.tr('Transcribing with the {model} model from {at:clock}.')  # log.transcribing_with
        self.tr('Heard {language:language} (probability {probability}); transcribing with the {model} model.')  # log.language_detected
        self.tr('Transcribing in {language:language} with the {model} model.')  # log.language_fixed
        self.tr('Transcript done: %n segment(s), language {language}, {seconds} s.', "", n)  # log.transcript_done
        self.tr('No speech was found in the audio.')  # log.no_speech
        self.tr('Deleted the downloaded audio (Settings: do not keep audio).')  # log.audio_deleted
        self.tr('Summarized with {engine}.')  # log.summarized_with
        self.tr('{reason} Used the offline summary instead. {hint}')  # log.summary_fallback
        self.tr("The LLM's answer was unusable ({reason}); the offline summary is kept instead.")  # log.summary_unusable
        self.tr('Updating the search index failed; search catches up later.')  # log.index_failed
        self.tr('Ollama is not running at {host}.')  # summary.ollama_down
        self.tr('Install Ollama and run “ollama pull {model}” for better summaries.')  # hint.ollama_install
        self.tr('No LLM server answers at {host}.')  # summary.openai_down
        self.tr('Start Ollama, or choose the offline summary in Settings.')  # hint.ollama_down
        self.tr('The model “{model}” is not available on {host}.')  # summary.model_missing
        self.tr('Run “ollama pull {model}” for better summaries.')  # hint.pull_model
        self.tr('The LLM server did not answer within {seconds} s.')  # summary.timeout
        self.tr('A smaller model or a longer timeout may help.')  # hint.smaller_model
        self.tr('The LLM server at {host} stopped in the middle of its answer.')  # summary.stopped
        self.tr('The LLM server at {host} failed to answer ({reason}).')  # summary.failed
        self.tr("The LLM server's answer was not a summary.")  # summary.bad_answer
        self.tr("The LLM server's answer was not valid JSON.")  # summary.not_json
        self.tr('The LLM server had a problem (HTTP {status}).')  # summary.server_error
        self.tr('Check the server, or choose the offline summary in Settings.')  # hint.summary_server
        self.tr('%n new episode(s) queued from your subscriptions.', "", n)  # feeds.queued
        self.tr('%n more new episode(s) were not queued; queue them from the show.', "", n)  # feeds.held_back
