import chisel3._
import chisel3.util._

class TopModule extends Module {
  val io = IO(new Bundle {
    val a = Input(UInt(8.W))
    val b = Input(UInt(8.W))
    val s = Output(UInt(8.W))
    val overflow = Output(Bool())
  })
  val s = io.a + io.b
  val overflow = (io.a > s) || (io.b > s)
  io.s := s
  io.overflow := overflow
}
