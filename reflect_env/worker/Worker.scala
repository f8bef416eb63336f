// The JVM side of reflect_env: a long-lived process that compiles and elaborates candidates on request.
//
// Protocol: one JSON object per line on stdin, one JSON reply per line on the real stdout. Candidate
// output (println, Chisel logging) is captured per job and returned, so it can never corrupt the protocol.
// Every compile uses a fresh scalac Global: a reused one keeps symbols from earlier candidates.
// Python (reflect_env/pool.py) owns time limits: an overrunning worker is killed and replaced.
package chiselagent

import java.io._
import java.net.{URLClassLoader, URL}
import java.nio.charset.StandardCharsets.UTF_8
import java.nio.file.{Files, Path, Paths}
import java.security.Permission

import scala.collection.mutable.ListBuffer
import scala.reflect.internal.util.{CodeAction, Position}
import scala.tools.nsc.{Global, Settings}
import scala.tools.nsc.reporters.FilteringReporter

/** Class loader of one candidate: the guard recognises candidate code on the stack by it. */
final class CandidateLoader(urls: Array[URL], parent: ClassLoader) extends URLClassLoader(urls, parent)

/** Refuses exit, process spawning, sockets, env reads and file access outside the allowed roots while
  * candidate code is on the stack. The OS sandbox (bubblewrap) is the outer wall; this gives clean verdicts. */
final class Guard(readRoots: Seq[String]) extends SecurityManager {
  @volatile var jobDir: String = null
  @volatile var allowExit = false

  private def candidateOnStack: Boolean = getClassContext.exists(_.getClassLoader.isInstanceOf[CandidateLoader])
  private def deny(what: String): Nothing = throw new SecurityException(s"sandbox: $what denied")
  private def under(path: String, root: String): Boolean = {
    val p = Paths.get(path).toAbsolutePath.normalize.toString
    p == root || p.startsWith(root + File.separator)
  }

  override def checkPermission(perm: Permission): Unit = perm match {
    case rp: RuntimePermission =>
      val n = rp.getName
      if (n == "setSecurityManager") deny("replacing the security manager")
      else if (n.startsWith("exitVM")) { if (!allowExit) deny("System.exit/Runtime.halt") }
      else if (n.startsWith("getenv") && jobDir != null && candidateOnStack) deny("reading environment variables")
    case fp: FilePermission if jobDir != null =>
      val actions = fp.getActions
      if (actions.contains("execute")) deny("starting a process")
      else if (candidateOnStack) {
        val path = fp.getName
        val writing = actions.contains("write") || actions.contains("delete")
        if (writing && !under(path, jobDir)) deny(s"writing $path")
        if (!writing && !under(path, jobDir) && !readRoots.exists(r => under(path, r))) deny(s"reading $path")
      }
    case _: java.net.SocketPermission if jobDir != null => deny("network access")
    case _ => ()
  }
  override def checkPermission(perm: Permission, context: Object): Unit = checkPermission(perm)
  override def checkExec(cmd: String): Unit = if (jobDir != null) deny(s"starting a process ($cmd)")
}

/** Collects scalac diagnostics with their positions. */
final class Collector(val settings: Settings) extends FilteringReporter {
  val items = ListBuffer.empty[ujson.Obj]
  override def doReport(pos: Position, msg: String, severity: Severity, actions: List[CodeAction]): Unit = {
    val sev = if (severity == ERROR) "error" else if (severity == WARNING) "warning" else "info"
    val o = ujson.Obj("severity" -> sev, "message" -> msg)
    if (pos.isDefined) {
      o("line") = pos.line
      o("column") = pos.column
    }
    items += o
  }
}

object Worker {
  private var libClasspath = ""
  private var pluginJar = ""
  private var guard: Guard = null
  private var loader: CandidateLoader = null // the last compiled candidate's loader
  private var baselineThreads = 0
  // Warm-up rounds still to run, run so far, and when to give up on them (see nextRequest).
  private var warmLeft = 0
  private var warmDone = 0
  private var warmDeadline = 0L
  private var warmDir: Path = null
  // A candidate compiled and not yet elaborated: no warm-up round may run in that gap (its time would
  // count against the elaborate request's limit, and the round would replace the candidate's loader).
  private var midCandidate = false

  def main(args: Array[String]): Unit = {
    val opts = args.grouped(2).collect { case Array(k, v) => k -> v }.toMap
    libClasspath = opts("--libcp")
    pluginJar = opts("--plugin")
    val readRoots = opts.getOrElse("--read-roots", "").split(File.pathSeparator).filter(_.nonEmpty).toSeq :+
      System.getProperty("java.home")
    val proto = new PrintStream(new FileOutputStream(FileDescriptor.out), true, "UTF-8")
    val in = new BufferedReader(new InputStreamReader(System.in, UTF_8))
    val capture = new ByteArrayOutputStream()
    val capStream = new PrintStream(capture, true, "UTF-8")
    System.setOut(capStream)
    System.setErr(capStream)
    guard = new Guard(readRoots.map(r => Paths.get(r).toAbsolutePath.normalize.toString))
    if (opts.get("--guard").forall(_ != "0")) System.setSecurityManager(guard)
    baselineThreads = Thread.activeCount()
    // Ready at once; the warm-up rounds run while no request is waiting (nextRequest).
    planWarmUp(opts.get("--warmup").map(_.toInt).getOrElse(0), opts.get("--warmup-seconds").map(_.toDouble).getOrElse(20.0))
    proto.println(ujson.Obj("ready" -> true, "pid" -> ProcessHandle.current.pid.toDouble).render())

    var line = nextRequest(in, capture)
    while (line != null) {
      val req = ujson.read(line).obj
      capture.reset()
      val t0 = System.nanoTime()
      val reply: ujson.Obj =
        try {
          scala.Console.withOut(capStream) {
            scala.Console.withErr(capStream) {
              req("op").str match {
                case "compile"   => compile(req)
                case "elaborate" => elaborate(req)
                case "quit"      => guard.allowExit = true; proto.println("{}"); sys.exit(0)
                case other       => ujson.Obj("ok" -> false, "error" -> s"unknown op $other")
              }
            }
          }
        } catch {
          case t: Throwable => ujson.Obj("ok" -> false, "error" -> describe(t))
        } finally guard.jobDir = null
      reply("seconds") = (System.nanoTime() - t0) / 1e9
      reply("output") = new String(capture.toByteArray, UTF_8).take(20000)
      // A candidate that leaves threads running could interfere with the next one: ask to be recycled.
      reply("dirty") = Thread.activeCount() > baselineThreads
      reply("rss_kb") = rssKb().toDouble
      reply("warmup_rounds") = warmDone.toDouble
      midCandidate = req("op").str == "compile" && reply.value.get("ok").exists(_.bool)
      proto.println(reply.render())
      line = nextRequest(in, capture)
    }
  }

  // The JIT needs a dozen or so compiles before scalac reaches its steady speed (about 4x faster than the
  // first compile), so a worker spends its idle time on that instead of charging the first candidates.
  // The design touches the usual Chisel surface: bundles, registers, when/switch, Enum, Vec, Mux,
  // arithmetic, a submodule.
  private val warmSource =
    """import chisel3._
      |import chisel3.util._
      |class WarmSub(w: Int = 4) extends Module {
      |  val io = IO(new Bundle { val a = Input(UInt(w.W)); val b = Input(UInt(w.W)); val o = Output(UInt((w + 1).W)) })
      |  io.o := io.a +& io.b
      |}
      |class Warm extends Module {
      |  val io = IO(new Bundle {
      |    val a = Input(UInt(4.W)); val sel = Input(Bool()); val in = Flipped(Decoupled(UInt(8.W)))
      |    val o = Output(UInt(8.W)); val cnt = Output(UInt(3.W)); val busy = Output(Bool())
      |  })
      |  val sIdle :: sRun :: sDone :: Nil = Enum(3)
      |  val state = RegInit(sIdle)
      |  val regs = RegInit(VecInit(Seq.fill(4)(0.U(8.W))))
      |  val (count, wrap) = Counter(io.in.fire, 8)
      |  val sub = Module(new WarmSub())
      |  sub.io.a := io.a; sub.io.b := Reverse(io.a)
      |  io.in.ready := state =/= sDone
      |  switch(state) {
      |    is(sIdle) { when(io.in.valid) { state := sRun } }
      |    is(sRun) { when(wrap) { state := sDone } }
      |    is(sDone) { state := sIdle }
      |  }
      |  when(io.in.fire) { regs(count(1, 0)) := io.in.bits }
      |  io.o := Mux(io.sel, regs.reduce(_ ^ _), Cat(sub.io.o, PopCount(io.a)(2, 0)))
      |  io.cnt := count
      |  io.busy := state === sRun
      |}
      |""".stripMargin

  private def planWarmUp(rounds: Int, budgetSeconds: Double): Unit = if (rounds > 0) {
    warmLeft = rounds
    // A time budget too: on a loaded machine, warming up must not go on for minutes.
    warmDeadline = System.nanoTime() + (budgetSeconds * 1e9).toLong
    // Under the jobs root (the worker's working directory), so it is cleaned like any job.
    warmDir = Files.createTempDirectory(Paths.get("").toAbsolutePath, "warmup")
  }

  /** The next request line. While none is waiting (and no candidate is half done), the idle time goes
    * to warm-up rounds, so the pool is ready as soon as the JVM is, and a request waits at most for
    * the round in progress. */
  private def nextRequest(in: BufferedReader, capture: ByteArrayOutputStream): String = {
    while (warmLeft > 0 && !midCandidate && !in.ready()) warmRound(capture)
    in.readLine()
  }

  private def warmRound(capture: ByteArrayOutputStream): Unit = {
    try {
      if (System.nanoTime() > warmDeadline) warmLeft = 0
      else {
        warmDone += 1
        val job = Files.createDirectories(warmDir.resolve(s"w$warmDone"))
        val src = job.resolve("Candidate.scala")
        Files.write(src, (s"package warm$warmDone; " + warmSource).getBytes(UTF_8))
        compile(ujson.Obj("dir" -> job.toString, "src" -> src.toString).obj)
        elaborate(ujson.Obj("dir" -> job.toString, "class" -> s"warm$warmDone.Warm", "out" -> job.resolve("Warm.fir").toString).obj)
        warmLeft -= 1
      }
    } catch { case _: Throwable => warmLeft = 0 } // warming up is an optimisation: never fail a worker for it
    loader = null
    capture.reset()
    baselineThreads = math.max(baselineThreads, Thread.activeCount())
    if (warmLeft == 0 && warmDir != null) {
      Files.walk(warmDir).sorted(java.util.Comparator.reverseOrder[Path]()).forEach(p => Files.delete(p))
      warmDir = null
    }
  }

  private def compile(req: scala.collection.mutable.Map[String, ujson.Value]): ujson.Obj = {
    val dir = Paths.get(req("dir").str)
    val out = dir.resolve("classes")
    Files.createDirectories(out)
    val settings = new Settings(msg => throw new IllegalArgumentException(msg))
    settings.processArguments(
      List(
        "-classpath", libClasspath, "-d", out.toString,
        s"-Xplugin:$pluginJar", "-Xplugin-require:chiselplugin", "-Ycache-plugin-class-loader:last-modified",
        "-Ymacro-annotations", "-language:reflectiveCalls", "-Xmaxerrs", "50"
      ),
      processAll = true
    )
    val reporter = new Collector(settings)
    guard.jobDir = dir.toAbsolutePath.normalize.toString
    val global = new Global(settings, reporter)
    val run = new global.Run
    run.compile(List(req("src").str))
    val ok = !reporter.hasErrors
    val reply = ujson.Obj("ok" -> ok, "diagnostics" -> ujson.Arr(reporter.items.toSeq: _*))
    if (ok) {
      loader = new CandidateLoader(Array(out.toUri.toURL), getClass.getClassLoader)
      reply("modules") = ujson.Arr(findModules(out): _*)
    }
    reply
  }

  /** Every concrete Module/RawModule class, with how it can be constructed. Classes are loaded without
    * being initialised, so no candidate code runs here. */
  private def findModules(out: Path): Seq[ujson.Obj] = {
    val raw = classOf[chisel3.RawModule]
    val files = Files.walk(out).toArray.map(_.asInstanceOf[Path]).filter(_.toString.endsWith(".class"))
    val names = files.map(p => out.relativize(p).toString.stripSuffix(".class").replace(File.separatorChar, '.'))
    names.toSeq.sorted.flatMap { name =>
      val cls = try Some(Class.forName(name, false, loader)) catch { case _: Throwable => None }
      cls.filter { c =>
        raw.isAssignableFrom(c) && !java.lang.reflect.Modifier.isAbstract(c.getModifiers) &&
        !c.isAnonymousClass && !name.contains("$$") && !name.contains("$anon")
      }.map { c =>
        ujson.Obj("class" -> name, "name" -> c.getSimpleName, "constructor" -> constructorKind(c))
      }
    }
  }

  private def constructorKind(c: Class[_]): String = {
    val ctors = c.getConstructors
    if (ctors.exists(_.getParameterCount == 0)) "default"
    else if (ctors.length == 1 && defaultArgs(c, ctors.head.getParameterCount).isDefined) "defaults"
    else "required"
  }

  /** Scala puts constructor default arguments in the companion as `$lessinit$greater$default$N`. */
  private def defaultArgs(c: Class[_], n: Int): Option[Array[AnyRef]] =
    try {
      val comp = Class.forName(c.getName + "$", false, c.getClassLoader)
      val module = comp.getField("MODULE$")
      val getters = (1 to n).map(i => comp.getMethod("$lessinit$greater$default$" + i))
      Some(getters.map(_.invoke(module.get(null))).toArray)
    } catch { case _: NoSuchMethodException | _: ClassNotFoundException | _: NoSuchFieldException => None }

  private def elaborate(req: scala.collection.mutable.Map[String, ujson.Value]): ujson.Obj = {
    val dir = Paths.get(req("dir").str)
    val cls = Class.forName(req("class").str, false, loader)
    val ctor = cls.getConstructors.find(_.getParameterCount == 0).getOrElse(cls.getConstructors.head)
    guard.jobDir = dir.toAbsolutePath.normalize.toString
    def make(): chisel3.RawModule = {
      val args = if (ctor.getParameterCount == 0) Array.empty[AnyRef] else defaultArgs(cls, ctor.getParameterCount).get
      ctor.newInstance(args: _*).asInstanceOf[chisel3.RawModule]
    }
    try {
      val firrtl = circt.stage.ChiselStage.emitCHIRRTL(make())
      Files.write(Paths.get(req("out").str), firrtl.getBytes(UTF_8))
      val top = "(?m)^circuit\\s+(\\S+)\\s*:".r.findFirstMatchIn(firrtl).map(_.group(1)).getOrElse("")
      ujson.Obj("ok" -> true, "circuit" -> top)
    } catch {
      case t: Throwable => ujson.Obj("ok" -> false, "error" -> describe(t), "frames" -> candidateFrames(t))
    }
  }

  /** The exception chain, innermost cause last, without reflection wrappers. */
  private def describe(t: Throwable): String = {
    val chain = Iterator.iterate(t)(_.getCause).takeWhile(_ != null).take(8).toList
    chain
      .filterNot(_.isInstanceOf[java.lang.reflect.InvocationTargetException])
      .map(e => s"${e.getClass.getName}: ${Option(e.getMessage).getOrElse("")}")
      .distinct
      .mkString("\n")
  }

  /** Stack frames that point into the candidate's own source, outermost cause first. */
  private def candidateFrames(t: Throwable): ujson.Arr = {
    val chain = Iterator.iterate(t)(_.getCause).takeWhile(_ != null).take(8).toList
    val frames = chain.flatMap(_.getStackTrace.toList).filter(f => f.getFileName == "Candidate.scala" && f.getLineNumber > 0)
    ujson.Arr(frames.take(5).map(f => ujson.Obj("line" -> f.getLineNumber, "method" -> f.getMethodName)): _*)
  }

  private def rssKb(): Long =
    try {
      val src = scala.io.Source.fromFile("/proc/self/status")
      try src.getLines().find(_.startsWith("VmRSS:")).map(_.split("\\s+")(1).toLong).getOrElse(0L)
      finally src.close()
    } catch { case _: Throwable => 0L }
}
