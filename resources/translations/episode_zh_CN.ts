<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>EpisodeView</name>
    <message>
        <location filename="../../podcast_desk/gui/episode_view.py" line="+182"/>
        <source>No summary yet</source>
        <translation>尚无摘要</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Offline summary</source>
        <translation>离线摘要</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Bundled English model (tiny.en)</source>
        <translation>内置英语模型 (tiny.en)</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>{0} s</source>
        <translation>{0} 秒</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>{0} min</source>
        <translation>{0} 分钟</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>{0} h {1:02d} min</source>
        <translation>{0} 小时 {1:02d} 分钟</translation>
    </message>
    <message>
        <location line="+496"/>
        <source>Copy</source>
        <translation>复制</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Summary as text</source>
        <translation>摘要（纯文本）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Transcript as text</source>
        <translation>文字稿（纯文本）</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Export</source>
        <translation>导出</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Save the episode as a file: Markdown, text, subtitles or JSON</source>
        <translation>将节目保存为文件：Markdown、纯文本、字幕或 JSON</translation>
    </message>
    <message>
        <location line="+2"/>
        <location line="+1"/>
        <source>Search the transcript</source>
        <translation>搜索文字稿</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+1"/>
        <source>Previous match</source>
        <translation>上一个匹配</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+1"/>
        <source>Next match</source>
        <translation>下一个匹配</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Follow playback</source>
        <translation>跟随播放</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Keep the line being played in view while the episode plays</source>
        <translation>播放时让正在播放的句子保持可见</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Click a line to play from there</source>
        <translation>点击某一行即可从该处播放</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Summary</source>
        <translation>摘要</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Transcript</source>
        <translation>文字稿</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Log</source>
        <translation>日志</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Loading the episode…</source>
        <translation>正在载入节目…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Episode</source>
        <translation>节目</translation>
    </message>
    <message>
        <location line="+40"/>
        <source>This episode is no longer in the library.</source>
        <translation>这期节目已不在资料库中。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The episode could not be read: {0}</source>
        <translation>无法读取这期节目：{0}</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>The audio was not kept (Settings: keep downloaded audio), so it cannot be played here. Timestamps still find their place in the transcript.</source>
        <translation>未保留音频（设置：保留下载的音频），因此无法在此播放。点击时间点仍会定位到文字稿中的对应位置。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>The audio file is no longer at {0}, so it cannot be played here.</source>
        <translation>音频文件已不在 {0}，因此无法在此播放。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>This episode has no audio file to play.</source>
        <translation>这期节目没有可播放的音频文件。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Untitled episode</source>
        <translation>无标题节目</translation>
    </message>
    <message>
        <location line="+41"/>
        <source>This episode has no summary yet.</source>
        <translation>这期节目还没有摘要。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>TL;DR</source>
        <translation>一句话概要</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Key points</source>
        <translation>要点</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Chapters</source>
        <translation>章节</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>Keywords</source>
        <translation>关键词</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Quotes</source>
        <translation>摘录</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Chapters from the publisher</source>
        <translation>发布者提供的章节</translation>
    </message>
    <message>
        <location line="+113"/>
        <source>No matches</source>
        <translation>无匹配</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>{0} of {1}</source>
        <translation>第 {0} 个，共 {1} 个</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>Summary copied.</source>
        <translation>已复制摘要。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Transcript copied.</source>
        <translation>已复制文字稿。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Markdown (summary and transcript)…</source>
        <translation>Markdown（摘要和文字稿）…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Markdown files (*.md)</source>
        <translation>Markdown 文件 (*.md)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Plain text…</source>
        <translation>纯文本…</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Text files (*.txt)</source>
        <translation>文本文件 (*.txt)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>SRT subtitles…</source>
        <translation>SRT 字幕…</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>SubRip subtitles (*.srt)</source>
        <translation>SubRip 字幕 (*.srt)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>WebVTT subtitles…</source>
        <translation>WebVTT 字幕…</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>WebVTT subtitles (*.vtt)</source>
        <translation>WebVTT 字幕 (*.vtt)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>JSON files (*.json)</source>
        <translation>JSON 文件 (*.json)</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>JSON (everything)…</source>
        <translation>JSON（全部内容）…</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Export the episode</source>
        <translation>导出节目</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>Replace the file?</source>
        <translation>替换文件？</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>“{0}” already exists. Replace it?</source>
        <translation>“{0}”已存在。要替换它吗？</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>Exporting…</source>
        <translation>正在导出…</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Saved {0}</source>
        <translation>已保存 {0}</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Not saved: {0} already exists.</source>
        <translation>未保存：{0} 已存在。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Could not export: {0}</source>
        <translation>无法导出：{0}</translation>
    </message>
</context>
<context>
    <name>LogModel</name>
    <message>
        <location line="-840"/>
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Level</source>
        <translation>级别</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Stage</source>
        <translation>阶段</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Message</source>
        <translation>消息</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Debug</source>
        <translation>调试</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Info</source>
        <translation>信息</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Warning</source>
        <translation>警告</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Error</source>
        <translation>错误</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Resolve</source>
        <translation>解析</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Download</source>
        <translation>下载</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Transcribe</source>
        <translation>转写</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Summarize</source>
        <translation>摘要</translation>
    </message>
</context>
<context>
    <name>PlayerBar</name>
    <message>
        <location filename="../../podcast_desk/gui/player.py" line="+99"/>
        <source>No audio to play.</source>
        <translation>没有可播放的音频。</translation>
    </message>
    <message>
        <location line="+75"/>
        <source>Seek</source>
        <translation>跳转</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Position</source>
        <translation>播放位置</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+1"/>
        <source>Playback speed</source>
        <translation>播放速度</translation>
    </message>
    <message>
        <location line="+60"/>
        <source>This audio cannot be played: {0}</source>
        <translation>无法播放此音频：{0}</translation>
    </message>
    <message>
        <location line="+51"/>
        <source>Pause</source>
        <translation>暂停</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Play</source>
        <translation>播放</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <location filename="../../podcast_desk/gui/settings_dialog.py" line="+321"/>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Transcription</source>
        <translation>转写</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Summaries</source>
        <translation>摘要</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>General</source>
        <translation>常规</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Speech model:</source>
        <translation>语音模型：</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Quality:</source>
        <translation>质量：</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Processor threads:</source>
        <translation>处理器线程：</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Automatic (all cores)</source>
        <translation>自动（全部核心）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>0 uses every core of this computer.</source>
        <translation>0 表示使用这台电脑的全部核心。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Spoken language:</source>
        <translation>语音语言：</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Use the publisher&apos;s transcript when the feed has one</source>
        <translation>订阅源提供文字稿时，使用发布者的文字稿</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Much faster than transcribing, and usually more accurate. The episode notes where its transcript came from.</source>
        <translation>比自行转写快得多，通常也更准确。节目会注明文字稿的来源。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Summaries by:</source>
        <translation>摘要方式：</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Ollama address:</source>
        <translation>Ollama 地址：</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Ollama model:</source>
        <translation>Ollama 模型：</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Ask the Ollama server again for its models</source>
        <translation>重新向 Ollama 服务器获取模型列表</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Tasks at once:</source>
        <translation>同时处理的任务数：</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>How many episodes are processed at the same time. More than one helps only on computers with many cores.</source>
        <translation>同时处理几期节目。只有在多核电脑上，多于一个才有帮助。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Tries per task:</source>
        <translation>每个任务的尝试次数：</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>How often a task is tried before it is marked failed. Network trouble is retried after a growing pause; a broken link fails at once.</source>
        <translation>任务被标记为失败之前最多尝试的次数。网络问题会在逐渐延长的间隔后重试；无效链接会立即失败。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Storage folder:</source>
        <translation>存储文件夹：</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Open folder</source>
        <translation>打开文件夹</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The library, audio and settings live here. To use another folder, start Podcast Desk with --data-dir or set PODCAST_DESK_HOME.</source>
        <translation>资料库、音频和设置都保存在这里。若要使用其他文件夹，请用 --data-dir 启动 Podcast Desk，或设置 PODCAST_DESK_HOME。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Keep downloaded audio (needed to listen in the app; uses disk space)</source>
        <translation>保留下载的音频（在应用内收听需要；会占用磁盘空间）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Start minimised to the tray</source>
        <translation>启动时最小化到托盘</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Subscriptions:</source>
        <translation>订阅：</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Check every </source>
        <translation>每 </translation>
    </message>
    <message>
        <location line="+1"/>
        <source> minutes</source>
        <translation> 分钟检查一次</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Check subscriptions every N minutes while Podcast Desk runs. A feed that fails is tried again later, less often.</source>
        <translation>Podcast Desk 运行时每 N 分钟检查一次订阅。出错的订阅源会稍后重试，间隔逐渐加长。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Display language:</source>
        <translation>界面语言：</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Restore defaults</source>
        <translation>恢复默认</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Bundled offline English (tiny.en)</source>
        <translation>内置离线英语模型 (tiny.en)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>multilingual</source>
        <translation>多语言</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>English only</source>
        <translation>仅英语</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>{0} ({1}, downloads {2} once)</source>
        <translation>{0}（{1}，需下载一次，{2}）</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Choose folder…</source>
        <translation>选择文件夹…</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Fast</source>
        <translation>快速</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Balanced (recommended)</source>
        <translation>均衡（推荐）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Accurate</source>
        <translation>精确</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Detect automatically</source>
        <translation>自动检测</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Automatic: Ollama when it is running, otherwise offline</source>
        <translation>自动：Ollama 运行时使用 Ollama，否则离线</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Ollama (the offline summary if Ollama fails)</source>
        <translation>Ollama（Ollama 不可用时使用离线摘要）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Offline summary only</source>
        <translation>仅离线摘要</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>System language</source>
        <translation>跟随系统</translation>
    </message>
    <message>
        <location line="+25"/>
        <source>Custom (beam {0})</source>
        <translation>自定义（束宽 {0}）</translation>
    </message>
    <message>
        <location line="+49"/>
        <source>The Ollama address must look like http://127.0.0.1:11434.</source>
        <translation>Ollama 地址的格式应类似 http://127.0.0.1:11434。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Name the Ollama model, for example llama3.2.</source>
        <translation>请填写 Ollama 模型名，例如 llama3.2。</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Folder: {0}</source>
        <translation>文件夹：{0}</translation>
    </message>
    <message>
        <location line="+31"/>
        <source>Choose a folder with a Whisper model (CTranslate2)</source>
        <translation>选择包含 Whisper 模型（CTranslate2 格式）的文件夹</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Not a speech model</source>
        <translation>不是语音模型</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{0} does not hold a Whisper model for faster-whisper (model.bin and config.json).</source>
        <translation>{0} 中没有可供 faster-whisper 使用的 Whisper 模型（model.bin 和 config.json）。</translation>
    </message>
    <message>
        <location line="+98"/>
        <source>Checking Ollama at {0}…</source>
        <translation>正在检查 {0} 上的 Ollama…</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Ollama is not running at {0}. Summaries use the offline summarizer. For better summaries, install Ollama from ollama.com and run: ollama pull {1}</source>
        <translation>Ollama 未在 {0} 运行，摘要将使用离线摘要器。若想获得更好的摘要，请从 ollama.com 安装 Ollama 并运行：ollama pull {1}</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Ollama at {0} did not give its model list: {1}</source>
        <translation>{0} 上的 Ollama 没有返回模型列表：{1}</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Ollama is running at {0} but has no models yet. Run: ollama pull {1}</source>
        <translation>Ollama 正在 {0} 运行，但还没有模型。请运行：ollama pull {1}</translation>
    </message>
    <message numerus="yes">
        <location line="+3"/>
        <source>Ollama is running at {0} with %n model(s).</source>
        <translation>
            <numerusform>Ollama 正在 {0} 运行，共有 %n 个模型。</numerusform>
        </translation>
    </message>
    <message>
        <location line="+4"/>
        <source>{0} is not one of them; run: ollama pull {0}</source>
        <translation>其中没有 {0}；请运行：ollama pull {0}</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Works offline. English only; small and fast.</source>
        <translation>可离线使用。仅支持英语；小巧快速。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Downloaded once (about {0}) the first time it is used while online, then it works offline. Larger models are more accurate and slower.</source>
        <translation>首次在联网时使用会下载一次（约 {0}），之后即可离线使用。模型越大越准确，也越慢。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>English only.</source>
        <translation>仅支持英语。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>A Whisper model (CTranslate2 format) on this computer.</source>
        <translation>这台电脑上的 Whisper 模型（CTranslate2 格式）。</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Quickest. May drop a few words at pauses.</source>
        <translation>最快。停顿处可能漏掉几个词。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Good accuracy at a good speed.</source>
        <translation>准确度和速度兼顾。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Slowest; a little more accurate on hard audio.</source>
        <translation>最慢；对难识别的音频稍微更准确。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Beam size {0}.</source>
        <translation>束宽 {0}。</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>This model only understands English; choose a multilingual model for other languages.</source>
        <translation>此模型只能识别英语；其他语言请选择多语言模型。</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>Settings not saved</source>
        <translation>设置未保存</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The settings could not be saved to {0}: {1}</source>
        <translation>无法将设置保存到 {0}：{1}</translation>
    </message>
</context>
</TS>
