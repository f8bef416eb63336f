import chisel3._
import chisel3.util._

class TopModule extends Module {
  val io = IO(new Bundle {
    val a = Input(UInt(1.W))
    val b = Input(UInt(1.W))
    val c = Input(UInt(1.W))
    val d = Input(UInt(1.W))
    val out_sop = Output(Bool())
    val out_pos = Output(Bool())
  })
  val a = RegInit(false.B)
  val b = RegInit(false.B)
  val c = RegInit(false.B)
  val d = RegInit(false.B)
  val out_sop = RegInit(false.B)
  val out_pos = RegInit(false.B)
  val sop = a ^ b ^ c ^ d
  val pos = a & b & c & d
  when(sop) { out_sop := true.B }
  when(pos) { out_pos := true.B }
  io.out_sop := out_sop
  io.out_pos := out_pos
}
