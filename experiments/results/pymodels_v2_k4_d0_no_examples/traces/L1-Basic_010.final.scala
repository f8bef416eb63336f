import chisel3._
import chisel3.util._

class RegZero extends Module {
  val io = IO(new Bundle {
    val out = Output(UInt(8.W))
  })
  val reg  = RegInit(0.U(8.W))
  io.out := reg
}
