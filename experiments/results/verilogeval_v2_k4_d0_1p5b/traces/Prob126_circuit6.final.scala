import chisel3._
import chisel3.util._

class TopModule extends Module {
  val io = IO(new Bundle {
    val a    = Input(UInt(3.W))
    val q   = Output(UInt(16.W))
  })
  val a = io.a
  val q = RegInit(0.U(16.W))
  q := q ^ a
  io.q := q
}
