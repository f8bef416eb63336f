import chisel3._
import chisel3.util._

class TopModule extends Module {
  val io = IO(new Bundle {
    val in     = Input(UInt(16.W))
    val out_hi = Output(UInt(8.W))
    val out_lo = Output(UInt(8.W))
  })
  val out_hi = io.in(7, 0)
  val out_lo = io.in(15, 8)
}
