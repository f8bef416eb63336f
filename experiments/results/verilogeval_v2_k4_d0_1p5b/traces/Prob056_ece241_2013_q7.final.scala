import chisel3._
import chisel3.util._

class TopModule extends Module {
  val io = IO(new Bundle {
    val clk   = Input(Clock())
    val j     = Input(Bool())
    val k     = Input(Bool())
    val Q    = Output(Bool())
  })
  val jk = RegInit(0.U(2.W))
  jk := jk ^ io.k
  io.Q := jk
}
