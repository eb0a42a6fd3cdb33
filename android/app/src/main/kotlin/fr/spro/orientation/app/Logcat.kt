package fr.spro.orientation.app

import android.util.Log
import fr.spro.orientation.LogLevel
import fr.spro.orientation.setLogger

/** The core's logs (no user data in them) to logcat, tag "orientation". */
fun logToLogcat(level: LogLevel = LogLevel.INFO) = setLogger(level) { r ->
    val priority = when (r.level) {
        LogLevel.ERROR -> Log.ERROR
        LogLevel.WARN -> Log.WARN
        LogLevel.INFO -> Log.INFO
        LogLevel.DEBUG -> Log.DEBUG
        LogLevel.TRACE -> Log.VERBOSE
    }
    Log.println(priority, "orientation", "${r.target}: ${r.message}")
}
