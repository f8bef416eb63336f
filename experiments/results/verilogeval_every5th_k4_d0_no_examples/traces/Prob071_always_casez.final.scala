import chisel3._
import chisel3.util._

class TopModule extends Module {
  val io = IO(new Bundle {
    val in  = Input(UInt(8.W))
    val pos = Output(UInt(3.W))
  })
  val pos = RegInit(0.U(3.W)) // resetn is the implicit reset: the harness inverts it
  val count = RegInit(0.U(3.W))
  when(io.in && !prev) { count := count + 1.U }
  io.pos := count
}
