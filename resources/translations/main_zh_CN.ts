<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../podcast_desk/gui/main_window.py" line="+573"/>
        <source>Podcast Desk</source>
        <translation>Podcast Desk</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Paste a podcast link or feed, or drop an audio file</source>
        <translation>粘贴播客链接或订阅源，或拖入音频文件</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Add</source>
        <translation>添加</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Paste</source>
        <translation>粘贴</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Add the link on the clipboard (Ctrl+Shift+V)</source>
        <translation>添加剪贴板中的链接（Ctrl+Shift+V）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Drop links or audio files anywhere in this window</source>
        <translation>可将链接或音频文件拖到窗口任意位置</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Podcast Desk works offline with the bundled English speech model. For better summaries, install &lt;a href=&quot;https://ollama.com&quot;&gt;Ollama&lt;/a&gt; and run &lt;code&gt;ollama pull llama3.2&lt;/code&gt;.</source>
        <translation>Podcast Desk 使用内置的英文语音模型离线工作。如需更好的摘要，请安装 &lt;a href=&quot;https://ollama.com&quot;&gt;Ollama&lt;/a&gt; 并运行 &lt;code&gt;ollama pull llama3.2&lt;/code&gt;。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Dismiss</source>
        <translation>关闭提示</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+264"/>
        <location line="+14"/>
        <source>Open</source>
        <translation>打开</translation>
    </message>
    <message>
        <location line="-277"/>
        <source>Open the episode: summary, transcript and player</source>
        <translation>打开节目：摘要、文字稿和播放器</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Retry</source>
        <translation>重试</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+356"/>
        <source>Remove</source>
        <translation>移除</translation>
    </message>
    <message>
        <location line="-355"/>
        <source>Move to top</source>
        <translation>移到最前</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Process this task next</source>
        <translation>下一个处理此任务</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Show file</source>
        <translation>显示文件</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Add from clipboard</source>
        <translation>从剪贴板添加</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Settings…</source>
        <translation>设置…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Show window</source>
        <translation>显示窗口</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Quit</source>
        <translation>退出</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>System default</source>
        <translation>跟随系统</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Tasks</source>
        <translation>任务(&amp;T)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Language</source>
        <translation>语言</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Tasks</source>
        <translation>任务</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Search</source>
        <translation>搜索</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Search every episode&apos;s transcript, title and summary (Ctrl+F)</source>
        <translation>搜索所有节目的文字稿、标题和摘要 (Ctrl+F)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Subscriptions</source>
        <translation>订阅</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Shows you subscribed to: new episodes are queued automatically</source>
        <translation>你订阅的播客：新节目会自动排队</translation>
    </message>
    <message>
        <location line="+56"/>
        <source>Podcast Desk is still running</source>
        <translation>Podcast Desk 仍在运行</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Work continues in the background. Use the tray icon to open the window or to quit.</source>
        <translation>任务会在后台继续处理。可通过托盘图标打开窗口或退出。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Quit Podcast Desk?</source>
        <translation>退出 Podcast Desk？</translation>
    </message>
    <message numerus="yes">
        <location line="+1"/>
        <source>%n task(s) are being processed. If you quit now, they stop and continue from where they were the next time Podcast Desk opens.</source>
        <translation>
            <numerusform>正在处理 %n 个任务。如果现在退出，它们会暂停，并在下次打开 Podcast Desk 时从中断处继续。</numerusform>
        </translation>
    </message>
    <message>
        <location line="+16"/>
        <source>Stopping the current task; it continues next time…</source>
        <translation>正在停止当前任务，下次启动时继续…</translation>
    </message>
    <message>
        <location line="+43"/>
        <source>The clipboard holds no link or file.</source>
        <translation>剪贴板中没有链接或文件。</translation>
    </message>
    <message numerus="yes">
        <location line="+31"/>
        <source>Added %n task(s).</source>
        <translation>
            <numerusform>已添加 %n 个任务。</numerusform>
        </translation>
    </message>
    <message>
        <location line="+89"/>
        <source>This task has no episode to show.</source>
        <translation>此任务没有可显示的节目。</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>The episode view is not part of this version yet. Use “podcast-desk show {0}” meanwhile.</source>
        <translation>此版本尚未包含节目视图，请暂时使用 “podcast-desk show {0}”。</translation>
    </message>
    <message numerus="yes">
        <location line="+40"/>
        <source>Cancelling %n task(s).</source>
        <translation>
            <numerusform>正在取消 %n 个任务。</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+7"/>
        <source>Queued %n task(s) again.</source>
        <translation>
            <numerusform>已重新排队 %n 个任务。</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+7"/>
        <source>%n task(s) will be processed next.</source>
        <translation>
            <numerusform>接下来将处理这 %n 个任务。</numerusform>
        </translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Remove “{0}” from the list?</source>
        <translation>从列表中移除“{0}”？</translation>
    </message>
    <message numerus="yes">
        <location line="+2"/>
        <source>Remove %n tasks from the list?</source>
        <translation>
            <numerusform>从列表中移除 %n 个任务？</numerusform>
        </translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The downloaded audio ({0}) will be deleted.</source>
        <translation>已下载的音频（{0}）将被删除。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>No downloaded audio will be deleted.</source>
        <translation>不会删除任何已下载的音频。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Your own audio files are never deleted.</source>
        <translation>您自己的音频文件永远不会被删除。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The task, its log and its transcript and summary are removed; this cannot be undone.</source>
        <translation>任务及其日志、文字稿和摘要都将被移除；此操作无法撤销。</translation>
    </message>
    <message numerus="yes">
        <location line="+10"/>
        <source>Removed %n task(s).</source>
        <translation>
            <numerusform>已移除 %n 个任务。</numerusform>
        </translation>
    </message>
    <message>
        <location line="+13"/>
        <source>There is no file for this task yet.</source>
        <translation>此任务还没有文件。</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>That did not work: {0}</source>
        <translation>操作失败：{0}</translation>
    </message>
    <message numerus="yes">
        <location line="+33"/>
        <source>%n new episode(s) queued from your subscriptions.</source>
        <translation>
            <numerusform>订阅中有 %n 期新节目已排队。</numerusform>
        </translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Pause processing</source>
        <translation>暂停处理</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Resume processing</source>
        <translation>继续处理</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>Episode ready</source>
        <translation>节目已处理完成</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Episode failed</source>
        <translation>节目处理失败</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>All ({0})</source>
        <translation>全部（{0}）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Active ({0})</source>
        <translation>进行中（{0}）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Done ({0})</source>
        <translation>已完成（{0}）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Failed ({0})</source>
        <translation>失败（{0}）</translation>
    </message>
    <message numerus="yes">
        <location line="+6"/>
        <source>%n running</source>
        <translation>
            <numerusform>%n 个运行中</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+2"/>
        <source>%n queued</source>
        <translation>
            <numerusform>%n 个排队中</numerusform>
        </translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Nothing to do</source>
        <translation>没有待处理的任务</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>processing paused</source>
        <translation>处理已暂停</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The settings dialog is not part of this version yet. Settings are in {0}.</source>
        <translation>此版本尚未包含设置对话框。设置保存在 {0}。</translation>
    </message>
</context>
<context>
    <name>TaskTableModel</name>
    <message>
        <location filename="../../podcast_desk/gui/task_model.py" line="+295"/>
        <source>Title</source>
        <translation>标题</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Stage</source>
        <translation>阶段</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Progress</source>
        <translation>进度</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Time left</source>
        <translation>剩余时间</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Added</source>
        <translation>添加时间</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Error</source>
        <translation>错误</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>Cancelling…</source>
        <translation>正在取消…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Running</source>
        <translation>运行中</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Waiting to retry</source>
        <translation>等待重试</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Paused</source>
        <translation>已暂停</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Queued</source>
        <translation>排队中</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Done</source>
        <translation>已完成</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Failed</source>
        <translation>失败</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Cancelled</source>
        <translation>已取消</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Looking up</source>
        <translation>解析链接</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+6"/>
        <source>Downloading</source>
        <translation>下载中</translation>
    </message>
    <message>
        <location line="-5"/>
        <source>Transcribing</source>
        <translation>转写中</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+6"/>
        <source>Summarizing</source>
        <translation>生成摘要</translation>
    </message>
    <message>
        <location line="-5"/>
        <source>Starting</source>
        <translation>准备中</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Looking at the link</source>
        <translation>正在分析链接</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Found the episode</source>
        <translation>已找到节目</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Downloaded</source>
        <translation>已下载</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Transcribing {0} / {1}</source>
        <translation>转写中 {0} / {1}</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Transcribing {0}</source>
        <translation>转写中 {0}</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Downloading {0} of {1}</source>
        <translation>下载中 {0} / {1}</translation>
    </message>
    <message>
        <location line="+2"/>
        <source> · {0}/s</source>
        <translation> · {0}/秒</translation>
    </message>
    <message>
        <location line="-1"/>
        <source>Downloading {0}</source>
        <translation>下载中 {0}</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Summarized ({0})</source>
        <translation>摘要已生成（{0}）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{0:.0f}% done, resumes from here</source>
        <translation>已完成 {0:.0f}%，将从此处继续</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{0} s</source>
        <translation>{0} 秒</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{0} min</source>
        <translation>{0} 分钟</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{0} h {1} min</source>
        <translation>{0} 小时 {1} 分钟</translation>
    </message>
</context>
<context>
    <name>Tray</name>
    <message numerus="yes">
        <location filename="../../podcast_desk/gui/tray.py" line="+74"/>
        <source>%n running</source>
        <translation>
            <numerusform>%n 个运行中</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+2"/>
        <source>%n queued</source>
        <translation>
            <numerusform>%n 个排队中</numerusform>
        </translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Nothing to do</source>
        <translation>没有待处理的任务</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>paused</source>
        <translation>已暂停</translation>
    </message>
</context>
</TS>
