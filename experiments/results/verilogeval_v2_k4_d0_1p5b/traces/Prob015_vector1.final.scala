import chisel3._
import chisel3.util._

class TopModule extends Module {
  val io = IO(new Bundle {
    val in     = Input(UInt(16.W))
    val out_hi = Output(UInt(8.W))
    val out_lo = Output(UInt(8.W))
  })
  val out_hi = RegInit(0.U(8.W))
  val out_lo = RegInit(0.U(8.W))
  val split = io.in.asUInt.asUInt
  out_hi := split(7, 0)
  out_lo := split(15, 8)
  io.out_hi := out_hi
  io.out_lo := out_lo
}
