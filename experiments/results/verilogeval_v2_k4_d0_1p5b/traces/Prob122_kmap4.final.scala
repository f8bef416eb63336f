import chisel3._
import chisel3.util._

class TopModule extends Module {
  val io = IO(new Bundle {
    val a = Input(UInt(1.W))
    val b = Input(UInt(1.W))
    val c = Input(UInt(1.W))
    val d = Input(UInt(1.W))
    val out = Output(UInt(1.W))
  })
  val a = RegInit(false.B)
  val b = RegInit(false.B)
  val c = RegInit(false.B)
  val d = RegInit(false.B)
  val out = RegInit(false.B)
  out := a ^ b ^ c ^ d
  io.out := out
}
