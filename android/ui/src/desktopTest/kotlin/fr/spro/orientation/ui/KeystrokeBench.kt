package fr.spro.orientation.ui

import androidx.compose.ui.test.ExperimentalTestApi
import androidx.compose.ui.test.onNodeWithTag
import androidx.compose.ui.test.performClick
import androidx.compose.ui.test.performTextInput
import androidx.compose.ui.test.assertIsDisplayed
import org.junit.Test
import java.io.File
import java.lang.management.ManagementFactory

/**
 * scripts/bench-android (profile bench): figures printed, never asserted.
 *  - cold start: a new core over a prebuilt catalogue → the search screen shown and usable;
 *  - keystroke → results on screen: one character typed into the field → the page of that exact prefix
 *    composed (waitForIdle), over every prefix of the real queries of data/search/eval;
 *  - memory of the JVM with the library loaded (heap after GC, resident set).
 */
@OptIn(ExperimentalTestApi::class)
class KeystrokeBench {
    private fun queries(limit: Int): List<String> =
        File(TestCore.data, "search/eval").listFiles()!!.filter { it.name.endsWith(".tsv") }.sorted()
            .flatMap { f -> f.readLines().filter { it.isNotBlank() && !it.startsWith("#") }.map { it.substringBefore('\t') } }
            .filter { it.isNotBlank() }
            .distinct()
            .take(limit)

    private fun pct(sorted: List<Double>, p: Double) = sorted[((sorted.size - 1) * p).toInt()]

    private fun rssMb(): Double = File("/proc/self/status").readLines()
        .firstOrNull { it.startsWith("VmRSS:") }?.split(Regex("\\s+"))?.getOrNull(1)?.toDoubleOrNull()?.div(1024) ?: -1.0

    @Test
    fun keystroke_to_list_cold_start_memory() {
        TestCore.catalogueFile // built before the clock starts: the app ships a prebuilt catalogue
        val limit = System.getProperty("bench.queries")?.toIntOrNull() ?: 300
        uiTest(PHONE) {
            val t0 = System.nanoTime()
            TestApp().use { app ->
                setContent { app.Content() }
                waitFor(timeoutMillis = WAIT_MS) { runCatching { app.model.startup is Startup.Ready }.getOrDefault(false) }
                onNodeWithTag(Tags.tab(Tab.SEARCH)).performClick()
                onNodeWithTag(Tags.SEARCH_FIELD).assertIsDisplayed()
                val cold = (System.nanoTime() - t0) / 1e6
                val jvmUp = ManagementFactory.getRuntimeMXBean().uptime
                println("BENCH cold start (new core on a prebuilt catalogue → search screen interactive): ${"%.0f".format(cold)} ms (JVM up for $jvmUp ms)")

                val qs = queries(limit)
                val times = ArrayList<Double>()
                // warm-up: one query, not counted
                for (c in "boulanger") onNodeWithTag(Tags.SEARCH_FIELD).performTextInput(c.toString())
                waitFor(timeoutMillis = WAIT_MS) { app.model.pageText == "boulanger" }
                for (q in qs) {
                    runOnIdle { app.model.onText("") }
                    waitForIdle()
                    var prefix = ""
                    for (c in q) {
                        prefix += c
                        val start = System.nanoTime()
                        onNodeWithTag(Tags.SEARCH_FIELD).performTextInput(c.toString())
                        val want = prefix
                        waitFor(timeoutMillis = WAIT_MS) { app.model.pageText == want || (want.isBlank() && app.model.page == null) }
                        waitForIdle()
                        times += (System.nanoTime() - start) / 1e6
                    }
                }
                times.sort()
                println(
                    "BENCH keystroke → recomposed list over ${times.size} prefixes of ${qs.size} queries: " +
                        "p50 ${"%.1f".format(pct(times, 0.5))} ms, p90 ${"%.1f".format(pct(times, 0.9))} ms, " +
                        "p99 ${"%.1f".format(pct(times, 0.99))} ms, max ${"%.1f".format(times.last())} ms",
                )
                System.gc(); Thread.sleep(200); System.gc()
                val rt = Runtime.getRuntime()
                val heap = (rt.totalMemory() - rt.freeMemory()) / 1048576.0
                println("BENCH memory: heap used after GC ${"%.0f".format(heap)} MiB, JVM resident set ${"%.0f".format(rssMb())} MiB (library and catalogue mapped)")
            }
        }
    }
}
