<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>SearchPanel</name>
    <message>
        <location filename="../../podcast_desk/gui/search_panel.py" line="+262"/>
        <location line="+1"/>
        <source>Search every episode</source>
        <translation>搜索所有节目</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Double-click or press Enter to open the episode at that moment</source>
        <translation>双击或按回车键，在该时间点打开节目</translation>
    </message>
    <message>
        <location line="+59"/>
        <source>The search did not work: {0}</source>
        <translation>搜索失败：{0}</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Find words in every transcript, title and summary.</source>
        <translation>在所有文字稿、标题和摘要中查找字词。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Searching…</source>
        <translation>正在搜索…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Nothing found for “{0}”.</source>
        <translation>没有找到“{0}”。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The best {0} matches; add words to narrow the search.</source>
        <translation>最相关的 {0} 条结果；添加字词可缩小范围。</translation>
    </message>
    <message numerus="yes">
        <location line="+3"/>
        <source>%n match(es), best first.</source>
        <translation>
            <numerusform>%n 条结果，最相关的在前。</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>SearchResultsModel</name>
    <message>
        <location line="-230"/>
        <source>Title</source>
        <translation>标题</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Show</source>
        <translation>播客</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Summary</source>
        <translation>摘要</translation>
    </message>
</context>
<context>
    <name>SubscriptionsModel</name>
    <message>
        <location filename="../../podcast_desk/gui/subscriptions_pane.py" line="+154"/>
        <source>Show</source>
        <translation>播客</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Feed</source>
        <translation>订阅源</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Last check</source>
        <translation>上次检查</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Next check</source>
        <translation>下次检查</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Episodes</source>
        <translation>节目</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <location line="+30"/>
        <source>(not checked yet)</source>
        <translation>（尚未检查）</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>{0} seen · {1} queued</source>
        <translation>已发现 {0} · 已排队 {1}</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Not checked yet</source>
        <translation>尚未检查</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>OK</source>
        <translation>正常</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Never</source>
        <translation>从未</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Just now</source>
        <translation>刚刚</translation>
    </message>
    <message numerus="yes">
        <location line="+2"/>
        <source>%n min ago</source>
        <translation>
            <numerusform>%n 分钟前</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+2"/>
        <source>%n h ago</source>
        <translation>
            <numerusform>%n 小时前</numerusform>
        </translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Due now</source>
        <translation>即将检查</translation>
    </message>
    <message numerus="yes">
        <location line="+2"/>
        <source>In %n min</source>
        <translation>
            <numerusform>%n 分钟后</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+2"/>
        <source>In %n h</source>
        <translation>
            <numerusform>%n 小时后</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>SubscriptionsPane</name>
    <message>
        <location line="+115"/>
        <source>Feed address (RSS), e.g. https://example.org/podcast.xml</source>
        <translation>订阅源地址（RSS），例如 https://example.org/podcast.xml</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Feed address</source>
        <translation>订阅源地址</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Queue the latest:</source>
        <translation>现在排队最新的：</translation>
    </message>
    <message>
        <location line="+1"/>
        <source> episode(s)</source>
        <translation> 期节目</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>none, only new ones</source>
        <translation>不排队，只要新节目</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>How many of the feed&apos;s existing episodes to queue now. Episodes published later are always queued.</source>
        <translation>现在要排队订阅源中已有的几期节目。以后发布的节目总会自动排队。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Subscribe</source>
        <translation>订阅</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Check now</source>
        <translation>立即检查</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Look for new episodes now (the selected feeds, or all of them)</source>
        <translation>立即查找新节目（选中的订阅源，未选中时检查全部）</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+204"/>
        <source>Unsubscribe</source>
        <translation>取消订阅</translation>
    </message>
    <message>
        <location line="-161"/>
        <source>The subscriptions could not be read: {0}</source>
        <translation>无法读取订阅：{0}</translation>
    </message>
    <message numerus="yes">
        <location line="+6"/>
        <source>%n feed(s); new episodes are queued when they appear.</source>
        <translation>
            <numerusform>%n 个订阅源；新节目发布后会自动排队。</numerusform>
        </translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Subscribe to a show&apos;s feed and its new episodes are queued automatically.</source>
        <translation>订阅播客的订阅源后，新节目会自动排队。</translation>
    </message>
    <message>
        <location line="+49"/>
        <source>Paste the address of the show&apos;s feed first.</source>
        <translation>请先粘贴播客订阅源的地址。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>“{0}” is not a web address; a feed address starts with http:// or https://.</source>
        <translation>“{0}”不是网址；订阅源地址以 http:// 或 https:// 开头。</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Checking {0}…</source>
        <translation>正在检查 {0}…</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>You are already subscribed to {0}.</source>
        <translation>你已经订阅了 {0}。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Subscribed to {0}, but checking it failed: {1} It is tried again later.</source>
        <translation>已订阅 {0}，但检查失败：{1} 稍后会再试。</translation>
    </message>
    <message numerus="yes">
        <location line="+3"/>
        <source>Subscribed to {0}; %n episode(s) queued.</source>
        <translation>
            <numerusform>已订阅 {0}；%n 期节目已排队。</numerusform>
        </translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Subscribed to {0}; new episodes are queued when they appear.</source>
        <translation>已订阅 {0}；新节目发布后会自动排队。</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>Not subscribed: {0}</source>
        <translation>未订阅：{0}</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Not subscribed; that did not work: {0}</source>
        <translation>未订阅，操作失败：{0}</translation>
    </message>
    <message numerus="yes">
        <location line="+21"/>
        <source>Checking %n feed(s)…</source>
        <translation>
            <numerusform>正在检查 %n 个订阅源…</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+8"/>
        <source>%n new episode(s) queued.</source>
        <translation>
            <numerusform>%n 期新节目已排队。</numerusform>
        </translation>
    </message>
    <message>
        <location line="+2"/>
        <source>No new episodes.</source>
        <translation>没有新节目。</translation>
    </message>
    <message numerus="yes">
        <location line="+2"/>
        <source>%n feed(s) could not be checked; see the Status column.</source>
        <translation>
            <numerusform>%n 个订阅源检查失败；请查看“状态”列。</numerusform>
        </translation>
    </message>
    <message>
        <location line="+10"/>
        <source>That did not work: {0}</source>
        <translation>操作失败：{0}</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Unsubscribe from “{0}”?</source>
        <translation>取消订阅“{0}”？</translation>
    </message>
    <message numerus="yes">
        <location line="+2"/>
        <source>Unsubscribe from %n feeds?</source>
        <translation>
            <numerusform>取消订阅这 %n 个订阅源？</numerusform>
        </translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Episodes already queued or processed stay in your list.</source>
        <translation>已排队或已处理的节目会保留在列表中。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Unsubscribing…</source>
        <translation>正在取消订阅…</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Unsubscribed from {0}.</source>
        <translation>已取消订阅 {0}。</translation>
    </message>
    <message numerus="yes">
        <location line="+2"/>
        <source>Unsubscribed from %n feeds.</source>
        <translation>
            <numerusform>已取消订阅 %n 个订阅源。</numerusform>
        </translation>
    </message>
</context>
</TS>
