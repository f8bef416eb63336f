import chisel3._
import chisel3.util._

class TopModule extends Module {
  val io = IO(new Bundle {
    val a   = Input(UInt(16.W))
    val b   = Input(UInt(16.W))
    val c   = Input(UInt(16.W))
    val d   = Input(UInt(16.W))
    val e   = Input(UInt(16.W))
    val f   = Input(UInt(16.W))
    val g   = Input(UInt(16.W))
    val h   = Input(UInt(16.W))
    val i   = Input(UInt(16.W))
    val sel = Input(UInt(4.W))
    val out = Output(UInt(16.W))
  })
  val sel = io.sel.asUInt
  val a = io.a.asUInt
  val b = io.b.asUInt
  val c = io.c.asUInt
  val d = io.d.asUInt
  val e = io.e.asUInt
  val f = io.f.asUInt
  val g = io.g.asUInt
  val h = io.h.asUInt
  val i = io.i.asUInt
  val out = RegInit(0.U(16.W))
  out := out ^ (sel & (a | b | c | d | e | f | g | h | i))
  io.out := out
}
