import chisel3._
import chisel3.util._

class TopModule extends Module {
  val io = IO(new Bundle {
    val a = Input(UInt(5.W))
    val b = Input(UInt(5.W))
    val c = Input(UInt(5.W))
    val d = Input(UInt(5.W))
    val e = Input(UInt(5.W))
    val f = Input(UInt(5.W))
    val w = Output(UInt(8.W))
    val x = Output(UInt(8.W))
    val y = Output(UInt(8.W))
    val z = Output(UInt(8.W))
  })
  val a = io.a
  val b = io.b
  val c = io.c
  val d = io.d
  val e = io.e
  val f = io.f
  val w = io.w
  val x = io.x
  val y = io.y
  val z = io.z
  val concat = Cat(a, b, c, d, e, f)
  val split = VecInit(w, x, y, z)
  io.w := split(0)
  io.x := split(1)
  io.y := split(2)
  io.z := split(3)
}
